using Bulwark.Drills.Model;

namespace Bulwark.Drills.TeamAutonomy;

/// <summary>How the core looked from outside at one moment: which running instance, which release, which schema.</summary>
/// <param name="InstanceId">The instance's id from its release report (new at every start).</param>
/// <param name="ReleaseId">The release id, or null when the core is not a release build.</param>
/// <param name="SchemaFingerprint">A hash of every module's applied, known and floor schema versions.</param>
public sealed record CoreIdentity(string InstanceId, string? ReleaseId, string SchemaFingerprint);

/// <summary>What the Team Autonomy drill observed.</summary>
/// <param name="Release">What the mobile team's release set, e.g. <c>Edge:Bff:mobile:Screens:home=2</c>.</param>
/// <param name="CoreBefore">The core before the release.</param>
/// <param name="CoreAfter">The core after the customers stopped; null when it did not answer.</param>
/// <param name="TimeToLive">From the release to the first mobile answer with the new field; null if none came.</param>
/// <param name="MobileProbesAfterLive">The drill's mobile reads from then on.</param>
/// <param name="MobileProbesWithFeature">Of those, the ones whose answer carried the field (or named it degraded: the new version answered, the part was late).</param>
/// <param name="WebProbes">The drill's browser reads that could be compared with the first (the same parts degraded).</param>
/// <param name="WebProbesChanged">Of those, the ones whose shape differed from the first.</param>
/// <param name="WebShapeChange">The first difference seen, for the report; null when none.</param>
/// <param name="CustomerRequests">Customer screens sent (phone and browser).</param>
/// <param name="CustomerFailures">Of those, the ones without a 2xx answer.</param>
public sealed record TeamAutonomyMeasurements(
    string Release,
    CoreIdentity CoreBefore,
    CoreIdentity? CoreAfter,
    TimeSpan? TimeToLive,
    int MobileProbesAfterLive,
    int MobileProbesWithFeature,
    int WebProbes,
    int WebProbesChanged,
    string? WebShapeChange,
    long CustomerRequests,
    long CustomerFailures);

/// <summary>Team Autonomy's verdict rules, pure so they can be tested without a network.</summary>
public static class TeamAutonomyJudge
{
    /// <summary>
    /// Passed when the new field reached phones within the threshold and stayed, the core answered from the same instance,
    /// release and schema before and after, the browser's screen kept its shape, and customers' failures stayed under the
    /// threshold; failed naming each of these that did not hold.
    /// </summary>
    public static DrillVerdict Judge(TeamAutonomyMeasurements measured, TeamAutonomyOptions options)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(options);
        var errorRate = measured.CustomerRequests == 0 ? 1 : (double)measured.CustomerFailures / measured.CustomerRequests;
        var liveShare = measured.MobileProbesAfterLive == 0 ? 0 : (double)measured.MobileProbesWithFeature / measured.MobileProbesAfterLive;
        var before = measured.CoreBefore;
        var after = measured.CoreAfter;
        var sameInstance = after is not null && string.Equals(before.InstanceId, after.InstanceId, StringComparison.Ordinal);
        var sameRelease = after is not null && string.Equals(before.ReleaseId, after.ReleaseId, StringComparison.Ordinal);
        var sameSchema = after is not null && string.Equals(before.SchemaFingerprint, after.SchemaFingerprint, StringComparison.Ordinal);
        var figures = new List<DrillFigure>
        {
            measured.TimeToLive is { } live
                ? DrillFigure.AtMost("release to the new field on phones", live.TotalMilliseconds, "ms", options.LiveWithin.TotalMilliseconds)
                : new DrillFigure("release to the new field on phones", -1, "ms", $"<= {options.LiveWithin.TotalMilliseconds:0} (-1: never)", false),
            DrillFigure.AtLeast("mobile reads served by the new version after it went live", liveShare * 100, "%", 100),
            DrillFigure.AtLeast("core instance unchanged", sameInstance ? 1 : 0, "yes", 1),
            DrillFigure.AtLeast("core release unchanged", sameRelease ? 1 : 0, "yes", 1),
            DrillFigure.AtLeast("core schema unchanged", sameSchema ? 1 : 0, "yes", 1),
            DrillFigure.AtMost("browser screens whose shape changed", measured.WebProbesChanged, "reads", 0),
            DrillFigure.Info("browser screens compared", measured.WebProbes, "reads"),
            DrillFigure.AtMost("customer error rate", errorRate * 100, "%", options.MaxErrorRate * 100),
            DrillFigure.Info("customer screens", measured.CustomerRequests, "requests"),
        };
        var failures = new List<string>();
        var findings = new List<string>();
        if (measured.TimeToLive is null || measured.TimeToLive > options.LiveWithin)
        {
            failures.Add(measured.TimeToLive is null
                ? $"After the mobile team's release ({measured.Release}) no answer from {options.MobilePath} carried '{options.FeatureField}': the mobile team cannot ship this feature on its own. Without a BFF of its own, the field can only come from the core — a Backend Team release of its API or schema."
                : $"'{options.FeatureField}' reached phones {measured.TimeToLive.Value.TotalMilliseconds:F0} ms after the release, over the {options.LiveWithin.TotalMilliseconds:F0} ms allowed.");
            findings.Add($"Serve the phone's screens from a BFF the mobile team owns and releases (docs/edge.md, BFF): a screen version composed from the core's existing APIs (here Edge:Bff:{options.Bff}:Screens:{options.Screen}), so a new field needs no core change.");
        }
        else if (liveShare < 1)
        {
            failures.Add($"Only {liveShare:P0} of mobile reads after the release came from the new version: the release did not hold.");
        }

        if (after is null)
        {
            failures.Add("The core did not answer its release or schema report after the release: it was down or replaced.");
        }
        else
        {
            if (!sameInstance)
            {
                failures.Add($"The core was restarted or redeployed during the mobile release (instance {Short(before.InstanceId)} → {Short(after.InstanceId)}): the feature needed the Backend Team.");
            }

            if (!sameRelease)
            {
                failures.Add($"The core's release changed during the mobile release ({before.ReleaseId ?? "none"} → {after.ReleaseId ?? "none"}): the feature needed a core release.");
            }

            if (!sameSchema)
            {
                failures.Add($"The core's schema changed during the mobile release (fingerprint {Short(before.SchemaFingerprint)} → {Short(after.SchemaFingerprint)}): the feature needed a core migration.");
            }
        }

        if (measured.WebProbesChanged > 0)
        {
            failures.Add($"{measured.WebProbesChanged} of {measured.WebProbes} browser screens changed shape during the mobile release ({measured.WebShapeChange}): one team's release reached another team's customers.");
        }

        if (errorRate > options.MaxErrorRate)
        {
            failures.Add($"{measured.CustomerFailures} of {measured.CustomerRequests} customer screens failed ({errorRate:P2}) during the release, over {options.MaxErrorRate:P0}.");
        }

        return DrillVerdict.FromChecks(
            $"{measured.Release}: '{options.FeatureField}' on phones {measured.TimeToLive?.TotalMilliseconds:F0} ms after the release; the core kept its instance, release and schema; {measured.WebProbes} browser screens kept their shape; {errorRate:P2} of {measured.CustomerRequests} customer screens failed.",
            failures,
            figures,
            findings);
    }

    private static string Short(string value) => value.Length > 12 ? value[..12] : value;
}
