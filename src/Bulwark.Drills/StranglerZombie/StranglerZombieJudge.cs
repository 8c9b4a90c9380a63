using Bulwark.Drills.Model;

namespace Bulwark.Drills.StranglerZombie;

/// <summary>What the strangler Zombie drill observed.</summary>
/// <param name="Route">The route's name.</param>
/// <param name="Target">The side serving it at the end (<c>New</c> or <c>Legacy</c>).</param>
/// <param name="LegacyHitsDuringWatch">Requests the legacy side got while the drill watched.</param>
/// <param name="CustomerRequests">Customer requests the drill sent through the edge.</param>
/// <param name="CustomerFailures">Those not answered 2xx.</param>
/// <param name="EdgeVerdict">The edge's own Zombie verdict (<c>Serving</c>, <c>Draining</c>, <c>Dead</c>).</param>
/// <param name="EdgeReason">The edge's reason, with its window.</param>
public sealed record StranglerZombieMeasurements(
    string Route, string Target, long LegacyHitsDuringWatch, int CustomerRequests, int CustomerFailures, string EdgeVerdict, string EdgeReason);

/// <summary>The strangler Zombie drill's verdict rules, pure so they are tested without a network.</summary>
public static class StranglerZombieJudge
{
    /// <summary>Passed when the route is flipped, the legacy side got nothing during the watch, customers were served, and the edge calls it dead.</summary>
    public static DrillVerdict Judge(StranglerZombieMeasurements m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var figures = new List<DrillFigure>
        {
            DrillFigure.AtMost("legacy requests during the watch", m.LegacyHitsDuringWatch, "requests", 0),
            DrillFigure.AtMost("customer requests failed", m.CustomerFailures, "requests", 0),
            DrillFigure.Info("customer requests", m.CustomerRequests, "requests"),
        };
        var failures = new List<string>();
        var findings = new List<string>();
        if (!string.Equals(m.Target, "New", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"Route '{m.Route}' is still served by legacy.");
            findings.Add($"Shadow it until the match rate is 100%, then flip it: PUT /edge/strangler/{m.Route}/target {{\"target\":\"new\"}}.");
        }

        if (m.LegacyHitsDuringWatch > 0)
        {
            failures.Add($"The legacy side got {m.LegacyHitsDuringWatch} requests during the watch.");
        }

        if (m.CustomerFailures > 0)
        {
            failures.Add($"{m.CustomerFailures} of {m.CustomerRequests} customer requests failed on the new side.");
        }

        if (!string.Equals(m.EdgeVerdict, "Dead", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"The edge does not call the legacy route dead yet: {m.EdgeReason}");
            findings.Add("Keep the legacy route until the edge's Zombie window (Edge:Strangler:ZombieWindow) has passed without a legacy request.");
        }

        if (failures.Count == 0)
        {
            findings.Add($"Remove the legacy code behind '{m.Route}' and the route's legacy side from the edge's configuration.");
        }

        return DrillVerdict.FromChecks($"Route '{m.Route}' is dead on the legacy side: {m.EdgeReason}", failures, figures, findings);
    }
}
