namespace Bulwark.Resilience.Deadlines;

/// <summary>An ambient deadline for a stretch of an async flow, from <see cref="DeadlineContext.Begin"/>.</summary>
public sealed class DeadlineScope : IDisposable
{
    private readonly CancellationTokenSource? _timer;
    private readonly CancellationTokenSource? _linked;
    private readonly CancellationToken _token;
    private readonly DeadlineScope? _parent;
    private readonly Action<DeadlineScope?> _restore;
    private readonly TimeProvider _timeProvider;

    internal DeadlineScope(Deadline deadline, TimeProvider timeProvider, DeadlineScope? parent, Action<DeadlineScope?> restore, CancellationToken cancellationToken)
    {
        Deadline = deadline;
        _timeProvider = timeProvider;
        _parent = parent;
        _restore = restore;
        _timer = new CancellationTokenSource(deadline.Remaining(timeProvider), timeProvider);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _timer.Token);
        _token = _linked.Token;
    }

    /// <summary>A scope that only carries the deadline; cancellation is left to the caller (for example Polly's timeout).</summary>
    internal DeadlineScope(Deadline deadline, TimeProvider timeProvider, DeadlineScope? parent, Action<DeadlineScope?> restore)
    {
        Deadline = deadline;
        _timeProvider = timeProvider;
        _parent = parent;
        _restore = restore;
    }

    /// <summary>The effective deadline (never later than an enclosing scope's).</summary>
    public Deadline Deadline { get; }

    /// <summary>Cancelled when the deadline passes or the flow's own token is cancelled: pass it to downstream work
    /// so nothing keeps running after the caller stopped waiting.</summary>
    public CancellationToken Token => _token;

    /// <summary>Whether it was the deadline (not the caller) that cancelled <see cref="Token"/>.</summary>
    public bool IsExpired => _timer?.IsCancellationRequested == true || Deadline.IsExpired(_timeProvider);

    /// <summary>Time left.</summary>
    public TimeSpan Remaining => Deadline.Remaining(_timeProvider);

    /// <inheritdoc />
    public void Dispose()
    {
        _restore(_parent);
        _linked?.Dispose();
        _timer?.Dispose();
    }
}
