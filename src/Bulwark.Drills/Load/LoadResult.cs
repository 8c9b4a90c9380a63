namespace Bulwark.Drills.Load;

/// <summary>Why a load run ended.</summary>
public enum LoadStopReason
{
    /// <summary>All <see cref="LoadOptions.MaxRequests"/> were started.</summary>
    RequestCountReached,

    /// <summary><see cref="LoadOptions.MaxDuration"/> passed first.</summary>
    DurationReached,
}

/// <summary>Everything a load run recorded.</summary>
public sealed class LoadResult
{
    private readonly Lazy<LoadStatistics> _statistics;

    /// <summary>Creates a result.</summary>
    /// <param name="samples">Every request, in start order.</param>
    /// <param name="elapsed">From the first start to the last answer.</param>
    /// <param name="stopReason">What ended the run.</param>
    public LoadResult(IReadOnlyList<LoadSample> samples, TimeSpan elapsed, LoadStopReason stopReason)
    {
        ArgumentNullException.ThrowIfNull(samples);
        Samples = samples;
        Elapsed = elapsed;
        StopReason = stopReason;
        _statistics = new Lazy<LoadStatistics>(() => LoadStatistics.Compute(Samples, Elapsed));
    }

    /// <summary>Every request, in start order.</summary>
    public IReadOnlyList<LoadSample> Samples { get; }

    /// <summary>From the first start to the last answer.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>What ended the run.</summary>
    public LoadStopReason StopReason { get; }

    /// <summary>Figures over all samples.</summary>
    public LoadStatistics Statistics => _statistics.Value;

    /// <summary>Figures over the samples with <paramref name="label"/>.</summary>
    public LoadStatistics For(string label) =>
        LoadStatistics.Compute(Samples.Where(s => string.Equals(s.Label, label, StringComparison.Ordinal)).ToList(), Elapsed);
}
