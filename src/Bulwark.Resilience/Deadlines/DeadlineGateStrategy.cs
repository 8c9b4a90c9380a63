using Polly;

namespace Bulwark.Resilience.Deadlines;

/// <summary>
/// Refuses a call whose ambient deadline is already spent, without running it. With no ambient deadline it makes the
/// pipeline's own budget the call's deadline, so retries and <see cref="DeadlinePropagationHandler"/> see it too.
/// </summary>
internal sealed class DeadlineGateStrategy(TimeProvider timeProvider, TimeSpan budgetWithoutDeadline) : ResilienceStrategy
{
    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        if (DeadlineContext.Current is { } deadline)
        {
            if (deadline.IsExpired(timeProvider))
            {
                return Outcome.FromException<TResult>(new DeadlineExceededException(deadline, context.OperationKey ?? "operation"));
            }

            return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }

        // Polly's timeout strategy (next in the pipeline) enforces it; this scope only makes it visible.
        using var scope = DeadlineContext.BeginUntimed(Deadline.After(budgetWithoutDeadline, timeProvider), timeProvider);
        return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
    }
}
