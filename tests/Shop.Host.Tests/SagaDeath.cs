using Bulwark.Sagas;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.Host.Tests;

/// <summary>
/// Fault injection for the order saga (registered by tests only): the shop "dies" at one step, either after the step's
/// effect but before the saga saved it, or right after it was saved. The run goes no further in this process; it hangs
/// there until the host stops, as a dead process would never go on, and the next start resumes the saga.
/// </summary>
internal sealed class SagaDeath : ISagaStepInterceptor
{
    private readonly string _step;
    private readonly bool _afterSave;
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SagaDeath(string step, bool afterSave)
    {
        _step = step;
        _afterSave = afterSave;
    }

    /// <summary>
    /// Completes when the run reached its death: from then on the process may be stopped and the saga's state is what
    /// the step left (an effect seen elsewhere, such as a charge at the provider, can come before the step is saved).
    /// </summary>
    public Task Reached => _reached.Task;

    /// <summary>Registers this death in a shop's services.</summary>
    public Action<IServiceCollection> Registration => Register(this);

    /// <summary>Dies right after <paramref name="step"/>'s outcome was saved.</summary>
    public static Action<IServiceCollection> AfterSaving(string step) => WhenSaved(step).Registration;

    /// <summary>Dies after <paramref name="step"/>'s effect, before the saga saved it: the restart repeats the step.</summary>
    public static Action<IServiceCollection> AfterEffectOf(string step) => WhenSucceeded(step).Registration;

    /// <summary>Dies right after <paramref name="step"/>'s outcome was saved; <see cref="Reached"/> says when.</summary>
    public static SagaDeath WhenSaved(string step) => new(step, afterSave: true);

    /// <summary>Dies after <paramref name="step"/>'s effect, before it was saved; <see cref="Reached"/> says when.</summary>
    public static SagaDeath WhenSucceeded(string step) => new(step, afterSave: false);

    public ValueTask StepSucceededAsync(SagaStepEvent sagaStep, CancellationToken cancellationToken) =>
        !_afterSave && Matches(sagaStep) ? DieAsync(cancellationToken) : ValueTask.CompletedTask;

    public ValueTask StepSavedAsync(SagaStepEvent sagaStep, CancellationToken cancellationToken) =>
        _afterSave && Matches(sagaStep) ? DieAsync(cancellationToken) : ValueTask.CompletedTask;

    private static Action<IServiceCollection> Register(SagaDeath death) => services => services.AddSingleton<ISagaStepInterceptor>(death);

    private async ValueTask DieAsync(CancellationToken cancellationToken)
    {
        _reached.TrySetResult();
        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
    }

    private bool Matches(SagaStepEvent sagaStep) => !sagaStep.IsCompensation && string.Equals(sagaStep.StepName, _step, StringComparison.Ordinal);
}
