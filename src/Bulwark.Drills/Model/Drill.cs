using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.Model;

/// <summary>
/// The part every drill shares: what it is (<see cref="DrillDescription"/>), its options validated once at
/// construction, and the null checks of the three steps. A drill says only how to arrange, exercise and restore.
/// </summary>
/// <typeparam name="TOptions">The drill's options, validated with data annotations.</typeparam>
public abstract class Drill<TOptions> : IDrill
    where TOptions : class, new()
{
    private readonly DrillDescription _description;

    /// <summary>Describes the drill and validates <paramref name="options"/> (the documented defaults when null).</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    protected Drill(DrillDescription description, TOptions? options)
    {
        ArgumentNullException.ThrowIfNull(description);
        _description = description;
        Options = options ?? new TOptions();
        Validator.ValidateObject(Options, new ValidationContext(Options), validateAllProperties: true);
    }

    /// <inheritdoc />
    public string Name => _description.Name;

    /// <inheritdoc />
    public string Title => _description.Title;

    /// <inheritdoc />
    public string Question => _description.Question;

    /// <inheritdoc />
    public IReadOnlyList<string> Patterns => _description.Patterns;

    /// <summary>The drill's validated options.</summary>
    protected TOptions Options { get; }

    /// <inheritdoc />
    public Task ArrangeAsync(DrillContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ArrangeCoreAsync(context, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DrillVerdict> ExerciseAsync(DrillContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ExerciseCoreAsync(context, cancellationToken);
    }

    /// <inheritdoc />
    public Task RestoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RestoreCoreAsync(context, cancellationToken);
    }

    /// <summary>Checks the target and injects the faults; by default nothing.</summary>
    protected virtual Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Applies load, measures and judges.</summary>
    protected abstract Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken);

    /// <summary>Removes every fault the drill may have injected; by default nothing. Must be safe when arrange did nothing.</summary>
    protected virtual Task RestoreCoreAsync(DrillContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Restores each named dependency the context has; a name it lacks was never broken.</summary>
    protected static async Task RestoreDependenciesAsync(DrillContext context, CancellationToken cancellationToken, params string[] names)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(names);
        foreach (var name in names.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (context.Dependencies.TryGetValue(name, out var dependency))
            {
                await dependency.RestoreAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
