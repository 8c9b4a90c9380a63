namespace Bulwark.Drills.Model;

/// <summary>
/// A Codex checklist question as an experiment. The <see cref="DrillRunner"/> calls <see cref="ArrangeAsync"/>
/// (inject the faults), <see cref="ExerciseAsync"/> (apply load, measure, judge) and then <see cref="RestoreAsync"/>
/// always — after a failure, an exception or a cancellation too.
/// </summary>
public interface IDrill
{
    /// <summary>The command-line name, e.g. <c>plug-pull</c>.</summary>
    string Name { get; }

    /// <summary>The Codex's name, e.g. <c>Plug-Pull</c>.</summary>
    string Title { get; }

    /// <summary>The Codex checklist question this drill answers, quoted.</summary>
    string Question { get; }

    /// <summary>The Codex patterns whose presence this drill tests, e.g. <c>01 Circuit Breaker</c>.</summary>
    IReadOnlyList<string> Patterns { get; }

    /// <summary>Checks the target and injects the faults.</summary>
    Task ArrangeAsync(DrillContext context, CancellationToken cancellationToken);

    /// <summary>Applies load, measures and judges.</summary>
    Task<DrillVerdict> ExerciseAsync(DrillContext context, CancellationToken cancellationToken);

    /// <summary>Removes every fault this drill may have injected; must be safe to call when arrange did nothing.</summary>
    Task RestoreAsync(DrillContext context, CancellationToken cancellationToken);
}
