namespace Bulwark.Edge.Strangler;

/// <summary>A strangled route as the operator endpoint shows it.</summary>
/// <param name="Name">The route's name.</param>
/// <param name="Path">The public path.</param>
/// <param name="Target">The side serving live traffic now.</param>
/// <param name="Legacy">Requests the legacy side served since the edge started.</param>
/// <param name="New">Requests the new side served since the edge started.</param>
/// <param name="Shadow">Shadow comparison counts and the match rate.</param>
/// <param name="Zombie">Whether the legacy side may be removed.</param>
public sealed record StranglerRouteStatus(string Name, string Path, StranglerSide Target, SideTraffic Legacy, SideTraffic New, ShadowStatus Shadow, ZombieVerdict Zombie);

/// <summary>Traffic one side of a route served.</summary>
/// <param name="Hits">Requests routed to it.</param>
/// <param name="LastHit">When the last one arrived; null if none since the edge started.</param>
public sealed record SideTraffic(long Hits, DateTimeOffset? LastHit);

/// <summary>Shadow comparison counts of one route.</summary>
/// <param name="Enabled">Whether the route is shadowed now.</param>
/// <param name="Compared">Comparisons that completed (matched, mismatched or failed).</param>
/// <param name="Matched">Same status and same normalised body.</param>
/// <param name="Mismatched">A different status or body.</param>
/// <param name="Failed">The new side did not answer in time or at all.</param>
/// <param name="Skipped">Not compared: too many shadows in flight, or a body over the compared size.</param>
/// <param name="MatchRate">Matched ÷ compared; null before the first comparison.</param>
/// <param name="RecentMismatches">The latest mismatches and failures, newest last.</param>
public sealed record ShadowStatus(bool Enabled, long Compared, long Matched, long Mismatched, long Failed, long Skipped, double? MatchRate, IReadOnlyList<ShadowMismatch> RecentMismatches);

/// <summary>One shadow comparison that did not match.</summary>
/// <param name="At">When it was compared.</param>
/// <param name="Path">The public path and query of the live request.</param>
/// <param name="Outcome">Mismatched status, mismatched body, or failed.</param>
/// <param name="Difference">The first difference found, e.g. <c>$.pricecents: 1099 vs 1199</c>.</param>
public sealed record ShadowMismatch(DateTimeOffset At, string Path, ShadowOutcome Outcome, string? Difference);
