using Bulwark.Resilience.Diagnostics;
using Polly;
using Polly.Telemetry;

namespace Bulwark.Resilience.Bulkhead;

/// <summary>Runs calls inside a compartment; a full compartment is a refused outcome, never a throw.</summary>
internal sealed class BulkheadStrategy(BulkheadCompartment compartment, ResilienceStrategyTelemetry telemetry) : ResilienceStrategy
{
    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        using var lease = await compartment.AcquireAsync(context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
        if (!lease.IsAcquired)
        {
            telemetry.Report(BulwarkResilienceEvents.BulkheadRejected, context, new BulwarkEventArguments(compartment.Name));
            return Outcome.FromException<TResult>(compartment.NewRejection());
        }

        try
        {
            return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (Exception e)
        {
            return Outcome.FromException<TResult>(e);
        }
    }
}
