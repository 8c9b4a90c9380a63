namespace Bulwark.Drills.Model;

/// <summary>What a drill concluded.</summary>
public enum DrillOutcome
{
    /// <summary>The system behaved as the Codex says it should, within every threshold.</summary>
    Passed,

    /// <summary>The system did not: at least one threshold was broken, named in the reason.</summary>
    Failed,

    /// <summary>The drill could not tell: the fault did not take, the target was down before it started, or it was cancelled.</summary>
    Inconclusive,

    /// <summary>
    /// The drill did not run: the target lacks something it needs (a dependency's switch, an operator key, a feature),
    /// named in the reason. Never counted as passed.
    /// </summary>
    Skipped,
}
