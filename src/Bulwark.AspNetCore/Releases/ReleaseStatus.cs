namespace Bulwark.AspNetCore.Releases;

/// <summary>What <c>/health/release</c> answers: the release this instance runs and how its folder compares.</summary>
/// <param name="ReleaseId">The manifest's release id, or null when the folder has no manifest (not a release build).</param>
/// <param name="Commit">The commit the release was built from.</param>
/// <param name="ConfigurationHash">The released configuration's hash.</param>
/// <param name="Folder">The folder checked.</param>
/// <param name="DriftDetection">Whether the folder is checked against the manifest.</param>
/// <param name="CheckedAt">When the folder was last compared; null before the first check.</param>
/// <param name="Drift">The files that differ from the release; empty when it matches.</param>
/// <param name="Problem">Why the manifest could not be read, if it could not.</param>
public sealed record ReleaseStatus(
    string? ReleaseId,
    string? Commit,
    string? ConfigurationHash,
    string Folder,
    bool DriftDetection,
    DateTimeOffset? CheckedAt,
    IReadOnlyList<ReleaseDrift> Drift,
    string? Problem)
{
    /// <summary>
    /// This host's own id, new at every start: two reads with the same id were answered by the same running instance,
    /// so nothing was restarted or redeployed between them (a release id alone stays the same across restarts).
    /// </summary>
    public string InstanceId { get; init; } = "";

    /// <summary>When this host started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Whether the folder differs from the release.</summary>
    public bool Drifted => Drift.Count > 0;
}
