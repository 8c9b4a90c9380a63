namespace Bulwark.Edge.Strangler;

/// <summary>
/// One strangled route at runtime: the side serving it (flipped atomically by an operator or a configuration reload),
/// per-side traffic (count and last hit, for the Zombie check) and shadow comparison counts.
/// </summary>
internal sealed class StranglerRouteState(string name, StranglerRouteOptions options)
{
    private const int RecentMismatchCount = 20;
    private readonly Queue<ShadowMismatch> _recentMismatches = new();
    private StranglerRouteOptions _options = options;
    private int _target = (int)options.Target;
    private long _legacyHits;
    private long _legacyLastHitTicks;
    private long _newHits;
    private long _newLastHitTicks;
    private long _shadowMatched;
    private long _shadowMismatched;
    private long _shadowFailed;
    private long _shadowSkipped;

    public string Name { get; } = name;

    /// <summary>The route's current options; replaced on a configuration reload.</summary>
    public StranglerRouteOptions Options => Volatile.Read(ref _options);

    public StranglerSide Target => (StranglerSide)Volatile.Read(ref _target);

    /// <summary>Sets the serving side; returns the previous one. A request reads the side once, so it never sees half a flip.</summary>
    public StranglerSide Flip(StranglerSide side) => (StranglerSide)Interlocked.Exchange(ref _target, (int)side);

    /// <summary>
    /// Takes new options from a configuration reload. The configured side wins only when it changed in the configuration,
    /// so an unrelated reload does not undo an operator's flip.
    /// </summary>
    public void Reconfigure(StranglerRouteOptions options)
    {
        var previous = Interlocked.Exchange(ref _options, options);
        if (previous.Target != options.Target)
        {
            Flip(options.Target);
        }
    }

    public void RecordHit(StranglerSide side, DateTimeOffset now)
    {
        if (side == StranglerSide.Legacy)
        {
            Interlocked.Increment(ref _legacyHits);
            Interlocked.Exchange(ref _legacyLastHitTicks, now.UtcTicks);
        }
        else
        {
            Interlocked.Increment(ref _newHits);
            Interlocked.Exchange(ref _newLastHitTicks, now.UtcTicks);
        }
    }

    public void RecordShadowSkipped() => Interlocked.Increment(ref _shadowSkipped);

    public void RecordShadow(ShadowComparison comparison, string path, DateTimeOffset now)
    {
        switch (comparison.Outcome)
        {
            case ShadowOutcome.Matched:
                Interlocked.Increment(ref _shadowMatched);
                return;
            case ShadowOutcome.Failed:
                Interlocked.Increment(ref _shadowFailed);
                break;
            case ShadowOutcome.Skipped:
                Interlocked.Increment(ref _shadowSkipped);
                return;
            default:
                Interlocked.Increment(ref _shadowMismatched);
                break;
        }

        lock (_recentMismatches)
        {
            _recentMismatches.Enqueue(new ShadowMismatch(now, path, comparison.Outcome, comparison.Difference));
            while (_recentMismatches.Count > RecentMismatchCount)
            {
                _recentMismatches.Dequeue();
            }
        }
    }

    public StranglerRouteStatus Status(DateTimeOffset observedSince, DateTimeOffset now, TimeSpan zombieWindow)
    {
        var options = Options;
        var matched = Interlocked.Read(ref _shadowMatched);
        var mismatched = Interlocked.Read(ref _shadowMismatched);
        var failed = Interlocked.Read(ref _shadowFailed);
        var compared = matched + mismatched + failed;
        ShadowMismatch[] recent;
        lock (_recentMismatches)
        {
            recent = [.. _recentMismatches];
        }

        var legacy = new SideTraffic(Interlocked.Read(ref _legacyHits), FromTicks(Interlocked.Read(ref _legacyLastHitTicks)));
        var target = Target;
        return new StranglerRouteStatus(
            Name,
            options.Path,
            target,
            legacy,
            new SideTraffic(Interlocked.Read(ref _newHits), FromTicks(Interlocked.Read(ref _newLastHitTicks))),
            new ShadowStatus(options.Shadow, compared, matched, mismatched, failed, Interlocked.Read(ref _shadowSkipped), compared == 0 ? null : (double)matched / compared, recent),
            ZombieCheck.Judge(target, legacy.LastHit, observedSince, now, zombieWindow));
    }

    private static DateTimeOffset? FromTicks(long ticks) => ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
}
