using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Shop.Infrastructure.OpenApi;

namespace Shop.Infrastructure.HttpCaching;

/// <summary>Marks a read as cacheable: validators, <c>Cache-Control</c> and 304s (docs/api.md, "HTTP caching").</summary>
public static class HttpCachingEndpointConventionBuilderExtensions
{
    /// <summary>
    /// The endpoint's 200 answers carry the <c>ETag</c> its handler sets and <see cref="ShopCacheControl.PublicRevalidate"/>;
    /// a matching <c>If-None-Match</c> gets a 304 with no body. Described in the OpenAPI document.
    /// </summary>
    /// <param name="builder">The endpoint.</param>
    /// <param name="etagDescription">What the endpoint's <c>ETag</c> is (a version, or a weak digest).</param>
    public static RouteHandlerBuilder WithConditionalGet(this RouteHandlerBuilder builder, string etagDescription)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddEndpointFilter<ConditionalGetFilter>();
        builder.Produces(StatusCodes.Status304NotModified);
        builder.WithRequestHeader("If-None-Match", "Entity tags the client holds: when one still matches (weak comparison, or *), the answer is 304 Not Modified with no body.");
        const string CacheControlDescription = "public, no-cache: any cache may keep the answer but must revalidate it (If-None-Match) before each reuse; no-store when the answer must not be kept (a degraded page).";
        foreach (var status in new[] { StatusCodes.Status200OK, StatusCodes.Status304NotModified })
        {
            builder.WithResponseHeader(status, "ETag", etagDescription);
            builder.WithResponseHeader(status, "Cache-Control", CacheControlDescription);
        }

        return builder;
    }
}
