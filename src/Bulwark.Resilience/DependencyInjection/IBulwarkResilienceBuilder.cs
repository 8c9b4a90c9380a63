using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.CircuitBreaker;
using Bulwark.Resilience.Retry;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Resilience.DependencyInjection;

/// <summary>Returned by <see cref="ResilienceServiceCollectionExtensions.AddBulwarkResilience"/> to add named pipelines.</summary>
public interface IBulwarkResilienceBuilder
{
    /// <summary>The service collection.</summary>
    IServiceCollection Services { get; }

    /// <summary>Registers the pipeline <paramref name="name"/> with Polly's registry; its settings come from
    /// <c>Bulwark:Resilience:Pipelines:{name}</c> and then <paramref name="configure"/>.</summary>
    /// <param name="name">The pipeline's name.</param>
    /// <param name="configure">Adjusts the settings in code.</param>
    /// <returns>The builder.</returns>
    IBulwarkResilienceBuilder AddPipeline(string name, Action<BulwarkPipelineOptions>? configure = null);

    /// <summary>Configures the shared circuit breaker <paramref name="name"/> in code (after configuration binding).</summary>
    /// <param name="name">The breaker's name.</param>
    /// <param name="configure">Adjusts its settings.</param>
    /// <returns>The builder.</returns>
    IBulwarkResilienceBuilder ConfigureCircuitBreaker(string name, Action<BulwarkCircuitBreakerOptions> configure);

    /// <summary>Configures the bulkhead compartment <paramref name="name"/> in code (after configuration binding).</summary>
    /// <param name="name">The compartment's name.</param>
    /// <param name="configure">Adjusts its settings.</param>
    /// <returns>The builder.</returns>
    IBulwarkResilienceBuilder ConfigureBulkhead(string name, Action<BulkheadOptions> configure);

    /// <summary>Configures the retry budget <paramref name="name"/> in code (after configuration binding).</summary>
    /// <param name="name">The budget's name.</param>
    /// <param name="configure">Adjusts its settings.</param>
    /// <returns>The builder.</returns>
    IBulwarkResilienceBuilder ConfigureRetryBudget(string name, Action<RetryBudgetOptions> configure);
}
