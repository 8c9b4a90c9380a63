using Polly;
using Polly.CircuitBreaker;
using Polly.Fallback;

namespace Bulwark.Resilience.CircuitBreaker;

/// <summary>Adds Bulwark circuit breakers and open-circuit fallbacks to Polly pipelines.</summary>
public static class CircuitBreakerBuilderExtensions
{
    /// <summary>Adds a strategy that calls through <paramref name="breaker"/>; share one breaker between pipelines to share its state.</summary>
    /// <typeparam name="TBuilder">A Polly pipeline builder, generic or not.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="breaker">The breaker, usually from <see cref="CircuitBreakerRegistry"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The breaker's options are out of range.</exception>
    public static TBuilder AddBulwarkCircuitBreaker<TBuilder>(this TBuilder builder, BulwarkCircuitBreaker breaker)
        where TBuilder : ResiliencePipelineBuilderBase
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(breaker);
        return builder.AddStrategy(context => new CircuitBreakerStrategy(breaker, context.Telemetry), breaker.Options);
    }

    /// <summary>Adds a new breaker built from <paramref name="options"/> on the pipeline's clock.</summary>
    /// <typeparam name="TBuilder">A Polly pipeline builder, generic or not.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The breaker's name.</param>
    /// <param name="options">Its settings.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException"><paramref name="options"/> are out of range.</exception>
    public static TBuilder AddBulwarkCircuitBreaker<TBuilder>(this TBuilder builder, string name, BulwarkCircuitBreakerOptions options)
        where TBuilder : ResiliencePipelineBuilderBase
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.AddStrategy(
            context => new CircuitBreakerStrategy(new BulwarkCircuitBreaker(name, options, context.TimeProvider), context.Telemetry),
            options);
    }

    /// <summary>
    /// Adds Polly's fallback for calls refused by an open or isolated breaker or a full bulkhead: the Codex's
    /// cached value, stub or dropped feature. Place it outermost.
    /// </summary>
    /// <typeparam name="TResult">The pipeline's result type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="fallback">Produces the substitute result.</param>
    /// <returns>The builder.</returns>
    public static ResiliencePipelineBuilder<TResult> AddFallbackWhenRefused<TResult>(
        this ResiliencePipelineBuilder<TResult> builder,
        Func<ResilienceContext, ValueTask<TResult>> fallback)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(fallback);
        return builder.AddFallback(new FallbackStrategyOptions<TResult>
        {
            Name = "BulwarkFallbackWhenRefused",
            ShouldHandle = args => new ValueTask<bool>(IsRefusal(args.Outcome.Exception)),
            FallbackAction = async args => Outcome.FromResult(await fallback(args.Context).ConfigureAwait(false)),
        });
    }

    /// <summary>Whether <paramref name="exception"/> is a refusal by a breaker or bulkhead rather than a failed call.</summary>
    /// <param name="exception">The exception to look at.</param>
    /// <returns><see langword="true"/> for open or isolated breakers and full bulkheads.</returns>
    public static bool IsRefusal(Exception? exception) =>
        exception is BrokenCircuitException or Bulkhead.BulkheadRejectedException;
}
