using Bulwark.Drills.Timeline;

namespace Bulwark.Drills.Model;

/// <summary>One drill run as written to <c>drills/reports</c>: what was asked, against what, and the verdict.</summary>
/// <param name="Drill">The drill's command-line name.</param>
/// <param name="Title">The Codex's name for it.</param>
/// <param name="Question">The Codex checklist question.</param>
/// <param name="Patterns">The patterns it tests.</param>
/// <param name="Target">The service under test.</param>
/// <param name="Dependencies">How each dependency was switched.</param>
/// <param name="StartedAt">When the run began.</param>
/// <param name="Duration">How long arrange, exercise and restore took together.</param>
/// <param name="Verdict">The verdict (made inconclusive when restoring failed).</param>
/// <param name="Restored">Whether every fault was removed afterwards.</param>
/// <param name="RestoreError">Why restoring failed, when it did.</param>
public sealed record DrillReport(
    string Drill,
    string Title,
    string Question,
    IReadOnlyList<string> Patterns,
    Uri Target,
    IReadOnlyDictionary<string, string> Dependencies,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    DrillVerdict Verdict,
    bool Restored,
    string? RestoreError)
{
    /// <summary>The run second by second (requests, errors, latency, fault windows, phases), for charts; empty when not recorded.</summary>
    public DrillTimeline Timeline { get; init; } = DrillTimeline.Empty;
}
