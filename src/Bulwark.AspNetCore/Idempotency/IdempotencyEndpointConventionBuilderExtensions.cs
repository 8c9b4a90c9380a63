using Microsoft.AspNetCore.Builder;

namespace Bulwark.AspNetCore.Idempotency;

/// <summary>Marks endpoints that require an <c>Idempotency-Key</c>.</summary>
public static class IdempotencyEndpointConventionBuilderExtensions
{
    /// <summary>Requires an <c>Idempotency-Key</c> on unsafe requests to these endpoints (see <see cref="IdempotencyMiddleware"/>).</summary>
    /// <typeparam name="TBuilder">The endpoint builder.</typeparam>
    /// <param name="builder">The endpoints.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequireIdempotencyKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint => endpoint.Metadata.Add(new RequireIdempotencyKeyAttribute()));
        return builder;
    }
}
