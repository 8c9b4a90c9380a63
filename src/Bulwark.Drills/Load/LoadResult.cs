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
/// <param name="Samples">Every request, in start order.</param>
/// <param name="Elapsed">From the first start to the last answer.</param>
/// <param name="StopReason">What ended the run.</param>
public sealed record LoadResult(IReadOnlyList<LoadSample> Samples, TimeSpan Elapsed, LoadStopReason StopReason)
{
    /// <summary>Figures over all samples.</summary>
    public LoadStatistics Statistics => _statistics ??= LoadStatistics.Compute(Samples, Elapsed);

    private LoadStatistics? _statistics;

    /// <summary>Figures over the samples with <paramref name="label"/>.</summary>
    public LoadStatistics For(string label) =>
        LoadStatistics.Compute(Samples.Where(s => string.Equals(s.Label, label, StringComparison.Ordinal)).ToList(), Elapsed);
}
