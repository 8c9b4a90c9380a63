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

    private SagaDeath(string step, bool afterSave)
    {
        _step = step;
        _afterSave = afterSave;
    }

    /// <summary>Dies right after <paramref name="step"/>'s outcome was saved.</summary>
    public static Action<IServiceCollection> AfterSaving(string step) => Register(new SagaDeath(step, afterSave: true));

    /// <summary>Dies after <paramref name="step"/>'s effect, before the saga saved it: the restart repeats the step.</summary>
    public static Action<IServiceCollection> AfterEffectOf(string step) => Register(new SagaDeath(step, afterSave: false));

    public ValueTask StepSucceededAsync(SagaStepEvent sagaStep, CancellationToken cancellationToken) =>
        !_afterSave && Matches(sagaStep) ? DieAsync(cancellationToken) : ValueTask.CompletedTask;

    public ValueTask StepSavedAsync(SagaStepEvent sagaStep, CancellationToken cancellationToken) =>
        _afterSave && Matches(sagaStep) ? DieAsync(cancellationToken) : ValueTask.CompletedTask;

    private static Action<IServiceCollection> Register(SagaDeath death) => services => services.AddSingleton<ISagaStepInterceptor>(death);

    private static async ValueTask DieAsync(CancellationToken cancellationToken) => await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);

    private bool Matches(SagaStepEvent sagaStep) => !sagaStep.IsCompensation && string.Equals(sagaStep.StepName, _step, StringComparison.Ordinal);
}
