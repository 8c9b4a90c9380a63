using System.Text.Json.Serialization;
namespace Bulwark.Edge.Release;

/// <summary>Who serves now: the live slot and, during a rollout, the canary and its share. Persisted across restarts.</summary>
/// <param name="Live">The slot serving everyone not on the canary.</param>
/// <param name="Canary">The slot being rolled out, or null.</param>
/// <param name="Weight">The canary's share of customers, in percent.</param>
/// <param name="Step">The canary step index.</param>
/// <param name="Failures">Failed analyses in this rollout.</param>
/// <param name="Phase">Where the last rollout stands.</param>
public sealed record ReleaseState(string Live, string? Canary, double Weight, int Step, int Failures, RolloutPhase Phase);

/// <summary>Where a rollout stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RolloutPhase>))]
public enum RolloutPhase
{
    /// <summary>No rollout has run.</summary>
    None,

    /// <summary>A canary takes part of the traffic and is being analysed.</summary>
    Progressing,

    /// <summary>The last canary became live.</summary>
    Promoted,

    /// <summary>The last canary was rolled back.</summary>
    RolledBack,
}

/// <summary>One logged release decision, as the operator endpoint shows it.</summary>
/// <param name="At">When.</param>
/// <param name="Action">What happened, e.g. <c>switch</c>, <c>canary-start</c>, <c>Hold</c>, <c>RollBack</c>.</param>
/// <param name="Detail">Why, with the figures.</param>
/// <param name="State">The state after it.</param>
public sealed record ReleaseDecision(DateTimeOffset At, string Action, string Detail, ReleaseState State)
{
    /// <summary>For a canary analysis: the canary's measurements it judged (requests, errors, p99); null for other decisions.</summary>
    public WindowSnapshot? Figures { get; init; }

    /// <summary>For a canary analysis: the tests' figures (p-values, effect sizes, business counts); null for other decisions or without a comparison.</summary>
    public CanaryEvidence? Evidence { get; init; }
}
