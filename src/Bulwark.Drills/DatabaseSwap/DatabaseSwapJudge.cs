using System.Globalization;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.DatabaseSwap;

/// <summary>Which data provider a shop runs on and which build it is, as its readiness and release reports say.</summary>
/// <param name="Provider">The provider named by the readiness entry of its database, e.g. <c>sqlite</c> or <c>postgres</c>.</param>
/// <param name="ReleaseId">The release id of its manifest; null when it runs from a build without one.</param>
/// <param name="Commit">The commit its release was built from; null without a manifest.</param>
/// <param name="Folder">The folder its code runs from.</param>
public sealed record ShopIdentity(string Provider, string? ReleaseId, string? Commit, string Folder)
{
    /// <summary>The build in words, for reasons: the release and commit, or the folder without a manifest.</summary>
    public string Build => ReleaseId is null ? $"no release manifest, code in {Folder}" : $"release {ReleaseId} (commit {Commit ?? "unknown"})";
}

/// <summary>A business value the two shops answered differently.</summary>
/// <param name="Step">The journey step, e.g. <c>place order</c>.</param>
/// <param name="Field">The body's JSON path, or <c>status</c>.</param>
/// <param name="Target">The value on the target (the shop as it runs); <c>(absent)</c> when it has no such field.</param>
/// <param name="Swapped">The value on the shop on the other database.</param>
public sealed record SwapMismatch(string Step, string Field, string Target, string Swapped)
{
    /// <summary>The value of a field one side does not have.</summary>
    public const string Absent = "(absent)";

    /// <inheritdoc />
    public override string ToString() => $"{Step}: {Field} is {Target} on the target, {Swapped} on the swapped shop";
}

/// <summary>What the Database Swap drill observed: both shops and the same journey's answers on each.</summary>
/// <param name="Target">The shop as it runs.</param>
/// <param name="Swapped">The same build on the other database.</param>
/// <param name="TargetSteps">The journey's answers on the target.</param>
/// <param name="SwappedSteps">The journey's answers on the swapped shop.</param>
/// <param name="TargetJourney">How long the journey took on the target.</param>
/// <param name="SwappedJourney">How long it took on the swapped shop.</param>
/// <param name="TargetRequests">Requests the journey sent to the target (order reads while its saga settles included).</param>
/// <param name="SwappedRequests">Requests it sent to the swapped shop.</param>
public sealed record DatabaseSwapMeasurement(
    ShopIdentity Target,
    ShopIdentity Swapped,
    IReadOnlyList<JourneyStep> TargetSteps,
    IReadOnlyList<JourneyStep> SwappedSteps,
    TimeSpan TargetJourney,
    TimeSpan SwappedJourney,
    int TargetRequests,
    int SwappedRequests);

/// <summary>Database Swap's rules, pure so they can be tested without a network.</summary>
public static class DatabaseSwapJudge
{
    // A composed answer (the product page) names the parts it served without in this list (docs/resilience.md).
    private const string Degraded = "degraded";

    /// <summary>
    /// Why the two shops are not a database swap (the same provider, or different builds), or null when they are: the
    /// same code on two data providers, so a difference in their answers can only come from below the ports.
    /// </summary>
    public static string? NotASwap(ShopIdentity target, ShopIdentity swapped)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(swapped);
        if (string.Equals(target.Provider, swapped.Provider, StringComparison.OrdinalIgnoreCase))
        {
            return $"Both shops run on {target.Provider}: not a swap. Start the second one on the other provider (e.g. --Shop:Data:Provider=Postgres --Shop:Data:ConnectionString=...).";
        }

        var sameBuild = target.ReleaseId is null && swapped.ReleaseId is null
            ? string.Equals(target.Folder, swapped.Folder, StringComparison.Ordinal)
            : string.Equals(target.ReleaseId, swapped.ReleaseId, StringComparison.Ordinal) && string.Equals(target.Commit, swapped.Commit, StringComparison.Ordinal);
        return sameBuild
            ? null
            : $"The shops are different builds (target: {target.Build}; swapped: {swapped.Build}): not a swap, since a difference could come from the code. Start both from the same build or release.";
    }

    /// <summary>
    /// Every difference between the two journeys: a step's status, a field with different values, a field or step one
    /// side lacks. Steps are paired by name, in the target's order. A part either side names in its top-level
    /// <c>degraded</c> list (a product page without recommendations when the engine was slow) is left out, with the
    /// list itself: graceful degradation follows a dependency's time budget, not the database.
    /// </summary>
    public static IReadOnlyList<SwapMismatch> Compare(IReadOnlyList<JourneyStep> target, IReadOnlyList<JourneyStep> swapped)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(swapped);
        var mismatches = new List<SwapMismatch>();
        var others = swapped.ToDictionary(s => s.Step, StringComparer.Ordinal);
        foreach (var step in target)
        {
            if (!others.Remove(step.Step, out var other))
            {
                mismatches.Add(new SwapMismatch(step.Step, "(step)", Status(step.Status), SwapMismatch.Absent));
                continue;
            }

            if (step.Status != other.Status)
            {
                mismatches.Add(new SwapMismatch(step.Step, "status", Status(step.Status), Status(other.Status)));
            }

            var degraded = DegradedParts(step, other);
            foreach (var field in step.Fields.Keys.Union(other.Fields.Keys).Where(f => !InPart(f, degraded)).Order(StringComparer.Ordinal))
            {
                var a = step.Fields.GetValueOrDefault(field, SwapMismatch.Absent);
                var b = other.Fields.GetValueOrDefault(field, SwapMismatch.Absent);
                if (!string.Equals(a, b, StringComparison.Ordinal))
                {
                    mismatches.Add(new SwapMismatch(step.Step, field, a, b));
                }
            }
        }

        mismatches.AddRange(others.Values.Select(s => new SwapMismatch(s.Step, "(step)", SwapMismatch.Absent, Status(s.Status))));
        return mismatches;
    }

    /// <summary>
    /// Passed when every step's status and every normalised field match on both shops: the business logic did not
    /// notice the database changed. Failed naming each mismatch (step, field, both values). Inconclusive when the
    /// journey did not work on the target itself (a step meant to succeed did not answer 2xx there), since then the
    /// comparison shows nothing about the swap.
    /// </summary>
    public static DrillVerdict Judge(DatabaseSwapMeasurement measured, DatabaseSwapOptions options)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(options);
        if (measured.TargetSteps.FirstOrDefault(s => s.ExpectSuccess && s.Status is < 200 or > 299) is { } broken)
        {
            return DrillVerdict.Inconclusive(
                $"The journey does not work on the target itself: '{broken.Step}' ({broken.Request}) answered {Status(broken.Status)}, so comparing it with the swapped shop shows nothing. Fix the target first.");
        }

        var mismatches = Compare(measured.TargetSteps, measured.SwappedSteps);
        var swappedByName = measured.SwappedSteps.ToDictionary(s => s.Step, StringComparer.Ordinal);
        var degraded = measured.TargetSteps
            .Where(s => swappedByName.ContainsKey(s.Step))
            .SelectMany(s => DegradedParts(s, swappedByName[s.Step]).Select(part => $"{s.Step}: {part}"))
            .ToList();
        var fields = measured.TargetSteps.Sum(s => s.Fields.Count + 1);
        var figures = new List<DrillFigure>
        {
            DrillFigure.Info("journey steps compared", measured.TargetSteps.Count, "steps"),
            DrillFigure.Info("statuses and body fields compared", fields, "values"),
            DrillFigure.AtMost("mismatches (status or business value)", mismatches.Count, "values", 0),
            DrillFigure.AtMost("steps answered differently", mismatches.Select(m => m.Step).Distinct(StringComparer.Ordinal).Count(), "steps", 0),
            DrillFigure.Info("parts degraded on either shop, not compared", degraded.Count, "parts"),
            DrillFigure.Info($"journey time on the target ({measured.Target.Provider})", measured.TargetJourney.TotalMilliseconds, "ms"),
            DrillFigure.Info($"journey time on the swapped shop ({measured.Swapped.Provider})", measured.SwappedJourney.TotalMilliseconds, "ms"),
            DrillFigure.Info("requests sent to the target", measured.TargetRequests, "requests"),
            DrillFigure.Info("requests sent to the swapped shop", measured.SwappedRequests, "requests"),
        };
        var failures = new List<string>();
        var findings = new List<string>();
        if (mismatches.Count > 0)
        {
            var steps = mismatches.Select(m => m.Step).Distinct(StringComparer.Ordinal).ToList();
            failures.Add(
                $"On {measured.Swapped.Provider} the same build answered {mismatches.Count} value(s) differently from {measured.Target.Provider}, in step(s) {string.Join(", ", steps.Select(s => "'" + s + "'"))}; " +
                $"first: {mismatches[0]}. Business logic depends on the database.");
            findings.AddRange(mismatches.Take(options.MaxListedMismatches).Select(m => m.ToString()));
            if (mismatches.Count > options.MaxListedMismatches)
            {
                findings.Add($"... and {(mismatches.Count - options.MaxListedMismatches).ToString(CultureInfo.InvariantCulture)} more.");
            }

            findings.Add("A value that differs by run, not by business logic, can be named in PerRunFields; a stock or review count that differs because the shops have different histories needs two shops started alike (e.g. both fresh).");
        }

        if (degraded.Count > 0)
        {
            findings.Add($"Degraded on one shop or both and left out of the comparison (a dependency's time budget, not the database): {string.Join(", ", degraded)}.");
        }

        // What each step answered on the target, so a reader sees the journey reached its bad-input paths (4xx) too.
        findings.Add("Journey on the target: " + string.Join(", ", measured.TargetSteps.Select(s => $"{s.Step} {Status(s.Status)}")) + ".");
        return DrillVerdict.FromChecks(
            $"The same build ({measured.Target.Build}) on {measured.Target.Provider} and on {measured.Swapped.Provider} answered all {measured.TargetSteps.Count} journey steps alike: " +
            $"{fields} statuses and business values compared, 0 different. Only the adapters changed.",
            failures,
            figures,
            findings);
    }

    /// <summary>The top-level parts either answer names in its <c>degraded</c> list, e.g. <c>recommendations</c>.</summary>
    public static IReadOnlySet<string> DegradedParts(JourneyStep target, JourneyStep swapped)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(swapped);
        return target.Fields.Concat(swapped.Fields)
            .Where(f => f.Key.StartsWith(Degraded + "[", StringComparison.Ordinal) && f.Value.Length > 2 && f.Value[0] == '"')
            .Select(f => f.Value[1..^1])
            .ToHashSet(StringComparer.Ordinal);
    }

    private static bool InPart(string field, IReadOnlySet<string> degraded) =>
        degraded.Count > 0 && (field == Degraded || field.StartsWith(Degraded + "[", StringComparison.Ordinal)
            || degraded.Any(p => field == p || field.StartsWith(p + ".", StringComparison.Ordinal) || field.StartsWith(p + "[", StringComparison.Ordinal)));

    private static string Status(int status) => status == 0 ? "no answer" : status.ToString(CultureInfo.InvariantCulture);
}
