using Polly;

namespace Bulwark.Resilience.Retry;

/// <summary>Adds Bulwark retries to Polly pipelines.</summary>
public static class RetryBuilderExtensions
{
    /// <summary>
    /// Adds Polly's retry with Bulwark's backoff: capped, jittered exponential delays, transient failures only, drawing on
    /// <see cref="BulwarkRetryOptions.Budget"/> (share it across the pipelines that call one dependency) and giving up
    /// when the ambient deadline cannot fit another attempt.
    /// </summary>
    /// <typeparam name="TBuilder">A Polly pipeline builder, generic or not.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The retry's settings; read when the pipeline is built, never changed.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException"><paramref name="options"/> are out of range.</exception>
    public static TBuilder AddBulwarkRetry<TBuilder>(this TBuilder builder, BulwarkRetryOptions options)
        where TBuilder : ResiliencePipelineBuilderBase
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);

        // Polly validates the options here, as it does its own strategies'.
        return builder.AddStrategy(context => new BulwarkRetryStrategy(options, context), options);
    }
}
