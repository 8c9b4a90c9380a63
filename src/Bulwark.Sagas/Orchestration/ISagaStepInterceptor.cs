namespace Bulwark.Sagas;

/// <summary>
/// Fault-injection points around a saga step, for tests and drills that need a process to "die" at an exact place:
/// after a step's effect but before its state is saved, or right after it is saved. Production registers none (the
/// orchestrator then calls nothing). Whatever an interceptor throws ends the run as a crash would: nothing is
/// compensated and nothing more is saved, so the instance resumes on the next start or sweep.
/// </summary>
/// <remarks>See docs/data-consistency.md#sagas-14.</remarks>
public interface ISagaStepInterceptor
{
    /// <summary>Called when a step (or compensation) has succeeded and before its outcome is saved.</summary>
    /// <param name="sagaStep">Which step of which instance.</param>
    /// <param name="cancellationToken">The run's token.</param>
    /// <returns>A task that completes when the run may go on.</returns>
    ValueTask StepSucceededAsync(SagaStepEvent sagaStep, CancellationToken cancellationToken);

    /// <summary>Called when a step's (or compensation's) outcome has been saved.</summary>
    /// <param name="sagaStep">Which step of which instance.</param>
    /// <param name="cancellationToken">The run's token.</param>
    /// <returns>A task that completes when the run may go on.</returns>
    ValueTask StepSavedAsync(SagaStepEvent sagaStep, CancellationToken cancellationToken);
}

/// <summary>A step of a saga instance, as seen by an <see cref="ISagaStepInterceptor"/>.</summary>
/// <param name="SagaType">The saga type name.</param>
/// <param name="SagaId">The instance id.</param>
/// <param name="StepName">The step name.</param>
/// <param name="IsCompensation">Whether it is the step's compensation.</param>
public readonly record struct SagaStepEvent(string SagaType, Guid SagaId, string StepName, bool IsCompensation);
