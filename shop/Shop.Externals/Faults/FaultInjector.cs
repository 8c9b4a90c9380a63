namespace Shop.Externals.Faults;

/// <summary>Holds a stand-in's current faults and rolls the dice for each request.</summary>
public sealed class FaultInjector(Random random)
{
    private FaultSettings _settings = FaultSettings.None;
    private long _requests;
    private long _injectedErrors;
    private long _lostResponses;

    /// <summary>The faults in force.</summary>
    public FaultSettings Settings => Volatile.Read(ref _settings);

    /// <summary>Requests seen (control endpoints excluded).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests answered with an injected error.</summary>
    public long InjectedErrors => Interlocked.Read(ref _injectedErrors);

    /// <summary>Requests processed whose answer was then thrown away.</summary>
    public long LostResponses => Interlocked.Read(ref _lostResponses);

    /// <summary>Replaces the faults in force.</summary>
    public void Set(FaultSettings settings) => Volatile.Write(ref _settings, settings ?? throw new ArgumentNullException(nameof(settings)));

    /// <summary>Counts a request and decides whether it gets an injected error.</summary>
    public bool NextRequestFails(FaultSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Interlocked.Increment(ref _requests);
        return Draw(settings.ErrorRate, ref _injectedErrors);
    }

    /// <summary>Decides whether this state-changing request, once processed, loses its answer.</summary>
    public bool NextResponseLost(FaultSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Draw(settings.LoseResponseRate, ref _lostResponses);
    }

    // A rate of 1 must hit every request and 0 none, whatever the generator returns; hits are counted.
    private bool Draw(double rate, ref long hits)
    {
        bool hit;
        lock (random)
        {
            hit = rate > 0 && random.NextDouble() < rate;
        }

        if (hit)
        {
            Interlocked.Increment(ref hits);
        }

        return hit;
    }
}
