using Polly;

namespace Bulwark.Resilience.Deadlines;

/// <summary>
/// Refuses a call whose ambient deadline is already spent, without running it. Otherwise it makes the earlier of the
/// ambient deadline and the pipeline's own budget the call's deadline, so retries and
/// <see cref="DeadlinePropagationHandler"/> see the same deadline as the timeout that enforces it.
/// </summary>
internal sealed class DeadlineGateStrategy(TimeProvider timeProvider, TimeSpan budget) : ResilienceStrategy
{
    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        var own = Deadline.After(budget, timeProvider);
        if (DeadlineContext.Current is { } deadline)
        {
            if (deadline.IsExpired(timeProvider))
            {
                return Outcome.FromException<TResult>(new DeadlineExceededException(deadline, context.OperationKey ?? "operation"));
            }

            if (deadline.At <= own.At)
            {
                // The ambient deadline is already the earlier one: nothing to add, no scope to allocate.
                return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
            }
        }

        // Polly's timeout (next in the pipeline) enforces the earlier of the two; this scope only makes it visible.
        // Without it a request's 5 s deadline would hide a dependency's 1.5 s budget from the retry, which would then
        // start attempts that the budget cuts short, and the dependency would be told it has 5 s.
        using var scope = DeadlineContext.BeginUntimed(own, timeProvider);
        return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
    }
}
