using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Bulwark.AspNetCore.Resilience;

/// <summary>Puts endpoints into bulkhead compartments.</summary>
public static class ResilienceEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Runs the endpoint(s) inside the named compartment (<c>Bulwark:Resilience:Bulkheads:{name}</c>): when it is full the
    /// request gets 503 problem details with <c>Retry-After</c> at once, and other compartments are unaffected.
    /// Needs <c>services.AddBulwarkResilience(...)</c>.
    /// </summary>
    /// <typeparam name="TBuilder">An endpoint or group builder.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="compartment">The compartment's name.</param>
    /// <returns>The builder.</returns>
    public static TBuilder WithBulkhead<TBuilder>(this TBuilder builder, string compartment)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(compartment);
        return builder.AddEndpointFilter(new BulkheadEndpointFilter(compartment));
    }
}
