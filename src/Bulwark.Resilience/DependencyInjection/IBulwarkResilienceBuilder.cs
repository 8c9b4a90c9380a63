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
}
