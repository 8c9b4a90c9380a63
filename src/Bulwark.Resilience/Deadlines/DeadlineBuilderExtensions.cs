using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Polly;
using Polly.Timeout;

namespace Bulwark.Resilience.Deadlines;

/// <summary>Wires the ambient deadline into HTTP clients and Polly pipelines.</summary>
public static class DeadlineBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="DeadlinePropagationHandler"/> to the client. Call it after <c>AddResilienceHandler</c> /
    /// <c>AddBulwarkResilienceHandler</c> so it runs once per attempt.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <returns>The client builder.</returns>
    public static IHttpClientBuilder AddBulwarkDeadlinePropagation(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<DeadlinePropagationOptions>().ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddTransient<DeadlinePropagationHandler>();
        return builder.AddHttpMessageHandler<DeadlinePropagationHandler>();
    }

    /// <summary>
    /// Adds Polly's timeout strategy sized to the ambient deadline, preceded by a check that refuses the call outright
    /// when the deadline is already spent. The earlier of the ambient deadline and now + <paramref name="timeoutWithoutDeadline"/>
    /// becomes the call's deadline (ambient inside the call, so retries and outgoing HTTP requests size themselves to it);
    /// with no ambient deadline, that is the timeout alone.
    /// </summary>
    /// <typeparam name="TBuilder">A Polly pipeline builder, generic or not.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="timeoutWithoutDeadline">The call's own budget: the timeout when no deadline is in scope, a cap when one is.</param>
    /// <returns>The builder.</returns>
    public static TBuilder AddBulwarkDeadline<TBuilder>(this TBuilder builder, TimeSpan timeoutWithoutDeadline)
        where TBuilder : ResiliencePipelineBuilderBase
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddStrategy(context => new DeadlineGateStrategy(context.TimeProvider, timeoutWithoutDeadline), new DeadlineGateOptions());
        return builder.AddTimeout(new TimeoutStrategyOptions
        {
            Name = "BulwarkDeadlineTimeout",
            Timeout = timeoutWithoutDeadline,
            TimeoutGenerator = args => new ValueTask<TimeSpan>(
                DeadlineContext.CurrentScopeOrNull is { } scope ? Min(scope.Remaining, timeoutWithoutDeadline) : timeoutWithoutDeadline),
        });
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? (a > TimeSpan.Zero ? a : TimeSpan.FromTicks(1)) : b;

    private sealed class DeadlineGateOptions : ResilienceStrategyOptions
    {
        public DeadlineGateOptions() => Name = "BulwarkDeadlineGate";
    }
}
