using System.ComponentModel.DataAnnotations;

namespace Bulwark.Sagas;

/// <summary>
/// The steps of one kind of saga, in order, each with an optional compensation. Steps may run more than once
/// (a crash after a step's effect but before its state was saved repeats it), so a step must be idempotent:
/// pass <see cref="SagaStepContext.IdempotencyKey"/> to the service it calls.
/// </summary>
/// <typeparam name="TData">The saga's data, serialized to JSON after every step.</typeparam>
public sealed class SagaDefinition<TData>
    where TData : class
{
    private readonly List<SagaStep<TData>> _steps = [];

    /// <summary>Creates a definition.</summary>
    /// <param name="name">The saga type name stored with each instance (never rename it while instances run).</param>
    public SagaDefinition(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The saga type name.</summary>
    public string Name { get; }

    /// <summary>The steps in order.</summary>
    public IReadOnlyList<SagaStep<TData>> Steps => _steps;

    /// <summary>Adds a step.</summary>
    /// <param name="name">The step name (logs, idempotency keys).</param>
    /// <param name="execute">The forward action; throwing (after retries) fails the saga.</param>
    /// <param name="compensate">Undoes <paramref name="execute"/>; <see langword="null"/> when there is nothing to undo.</param>
    /// <param name="options">Retry and timeout; the defaults when <see langword="null"/>.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="ValidationException"><paramref name="options"/> are out of range.</exception>
    public SagaDefinition<TData> Step(
        string name,
        Func<TData, SagaStepContext, Task> execute,
        Func<TData, SagaStepContext, Task>? compensate = null,
        SagaStepOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(execute);
        options ??= new SagaStepOptions();
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        _steps.Add(new SagaStep<TData>(name, execute, compensate, options));
        return this;
    }
}

/// <summary>One step of a saga.</summary>
/// <typeparam name="TData">The saga's data.</typeparam>
/// <param name="Name">The step name.</param>
/// <param name="Execute">The forward action.</param>
/// <param name="Compensate">The undo action, if any.</param>
/// <param name="Options">Retry and timeout.</param>
public sealed record SagaStep<TData>(string Name, Func<TData, SagaStepContext, Task> Execute, Func<TData, SagaStepContext, Task>? Compensate, SagaStepOptions Options)
    where TData : class;

/// <summary>What a running step knows about itself.</summary>
/// <param name="SagaId">The instance id.</param>
/// <param name="StepName">The step name.</param>
/// <param name="Attempt">The attempt number, from 1.</param>
/// <param name="IsCompensation">Whether this is the compensation.</param>
/// <param name="CancellationToken">Cancelled at the step's timeout or when the host stops.</param>
public sealed record SagaStepContext(Guid SagaId, string StepName, int Attempt, bool IsCompensation, CancellationToken CancellationToken)
{
    /// <summary>A key stable across retries and restarts, for the remote service's idempotency.</summary>
    public string IdempotencyKey => $"{SagaId:N}:{StepName}:{(IsCompensation ? "compensate" : "execute")}";
}
