using Polly;

namespace Bulwark.Resilience.Bulkhead;

/// <summary>Adds bulkhead compartments to Polly pipelines.</summary>
public static class BulkheadBuilderExtensions
{
    /// <summary>Adds a strategy that runs calls inside <paramref name="compartment"/>; pipelines sharing a compartment share its slots.</summary>
    /// <typeparam name="TBuilder">A Polly pipeline builder, generic or not.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="compartment">The compartment, usually from <see cref="BulkheadRegistry"/>.</param>
    /// <returns>The builder.</returns>
    public static TBuilder AddBulwarkBulkhead<TBuilder>(this TBuilder builder, BulkheadCompartment compartment)
        where TBuilder : ResiliencePipelineBuilderBase
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(compartment);
        return builder.AddStrategy(context => new BulkheadStrategy(compartment, context.Telemetry), compartment.Options);
    }
}
