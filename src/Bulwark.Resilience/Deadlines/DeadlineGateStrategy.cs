using Polly;

namespace Bulwark.Resilience.Deadlines;

/// <summary>Refuses a call whose ambient deadline is already spent, without running it.</summary>
internal sealed class DeadlineGateStrategy(TimeProvider timeProvider) : ResilienceStrategy
{
    protected override ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        if (DeadlineContext.Current is { } deadline && deadline.IsExpired(timeProvider))
        {
            return Outcome.FromExceptionAsValueTask<TResult>(new DeadlineExceededException(deadline, context.OperationKey ?? "operation"));
        }

        return callback(context, state);
    }
}
