using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace Bulwark.Resilience.Retry;

/// <summary>Adds Bulwark retries to Polly pipelines.</summary>
public static class RetryBuilderExtensions
{
    /// <summary>
    /// Adds a retry with capped, jittered exponential backoff that retries only transient failures, draws on
    /// <paramref name="budget"/> (share it across the pipelines that call one dependency) and gives up when the
    /// ambient deadline cannot fit another attempt.
    /// </summary>
    /// <typeparam name="TBuilder">A Polly pipeline builder, generic or not.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The pipeline's name, for logs.</param>
    /// <param name="options">The retry's settings.</param>
    /// <param name="budget">The retry budget, or <see langword="null"/> for none.</param>
    /// <param name="logger">Where retries are logged.</param>
    /// <param name="attemptTimeout">
    /// The per-attempt timeout added inside this retry, if any. After an attempt timed out (a
    /// <see cref="Polly.Timeout.TimeoutRejectedException"/>), a retry is made only when the deadline still holds the delay
    /// plus this whole timeout, not just <see cref="BulwarkRetryOptions.ExpectedAttemptDuration"/>: a hanging dependency
    /// is not given another attempt that the deadline would cut.
    /// </param>
    /// <returns>The builder.</returns>
    public static TBuilder AddBulwarkRetry<TBuilder>(this TBuilder builder, string name, BulwarkRetryOptions options, RetryBudget? budget = null, ILogger? logger = null, TimeSpan? attemptTimeout = null)
        where TBuilder : ResiliencePipelineBuilderBase
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.AddStrategy(
            context => new BulwarkRetryStrategy(name, options, budget, attemptTimeout, context.TimeProvider, context.Telemetry, logger ?? NullLogger.Instance),
            new RetryStrategyOptions());
    }

    private sealed class RetryStrategyOptions : ResilienceStrategyOptions
    {
        public RetryStrategyOptions() => Name = "BulwarkRetry";
    }
}
