namespace Bulwark.Edge.Cells;

/// <summary>
/// One cell's health as the edge sees it, from two sources: passive (customer requests that got no answer, in a row)
/// and active (probes of the cell's readiness, in a row). Either one's threshold takes the cell down; the next passing
/// probe brings it back (a customer's answer alone never does: a down cell gets no customer requests to answer).
/// Thread-safe: counters are interlocked, the state changes under a lock and reports whether it changed, so the caller
/// logs each change once.
/// </summary>
internal sealed class CellHealth(string name)
{
    private readonly object _gate = new();
    private int _passiveFailures;
    private int _probeFailures;
    private volatile bool _up = true;

    public string Name { get; } = name;

    public bool IsUp => _up;

    /// <summary>Why the cell is down, or null.</summary>
    public string? Reason { get; private set; }

    public DateTimeOffset? Since { get; private set; }

    public int PassiveFailures => Volatile.Read(ref _passiveFailures);

    public int ProbeFailures => Volatile.Read(ref _probeFailures);

    /// <summary>A customer request was answered: the run of unanswered ones ends (only a probe revives a down cell).</summary>
    public void Answered() => Volatile.Write(ref _passiveFailures, 0);

    /// <summary>A customer request got no answer; true when this took the cell down.</summary>
    public bool NotAnswered(int threshold, string what, DateTimeOffset now) =>
        Interlocked.Increment(ref _passiveFailures) >= threshold && Down($"{threshold} customer requests in a row got no answer ({what})", now);

    /// <summary>A probe's outcome; true when this changed the state.</summary>
    public bool Probed(bool passed, int threshold, string what, DateTimeOffset now)
    {
        if (passed)
        {
            Volatile.Write(ref _probeFailures, 0);
            lock (_gate)
            {
                if (_up)
                {
                    return false;
                }

                Volatile.Write(ref _passiveFailures, 0);
                (Reason, Since, _up) = (null, now, true);
                return true;
            }
        }

        return Interlocked.Increment(ref _probeFailures) >= threshold && Down($"{threshold} probes in a row failed ({what})", now);
    }

    private bool Down(string reason, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_up)
            {
                return false;
            }

            (Reason, Since, _up) = (reason, now, false);
            return true;
        }
    }
}
