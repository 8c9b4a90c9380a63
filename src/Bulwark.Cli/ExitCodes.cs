using Bulwark.Drills.Model;

namespace Bulwark.Cli;

/// <summary>The process exit codes: scripts and CI branch on them.</summary>
internal static class ExitCodes
{
    public const int Passed = 0;
    public const int Failed = 1;
    public const int InconclusiveOrUsage = 2;

    public static int For(DrillOutcome outcome) => outcome switch
    {
        DrillOutcome.Passed => Passed,
        DrillOutcome.Failed => Failed,
        _ => InconclusiveOrUsage,
    };
}
