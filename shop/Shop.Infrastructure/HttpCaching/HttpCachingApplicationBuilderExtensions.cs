using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Shop.Infrastructure.HttpCaching;

/// <summary>The shop's default for every <c>/api</c> answer that does not say otherwise: not stored anywhere.</summary>
public static class HttpCachingApplicationBuilderExtensions
{
    /// <summary>
    /// Adds <c>Cache-Control: no-store</c> to every <c>/api</c> answer without a <c>Cache-Control</c> of its own.
    /// Opt-in caching (<see cref="HttpCachingEndpointConventionBuilderExtensions.WithConditionalGet"/>) rather than
    /// opt-out: a personal answer (cart, orders, wallet) forgotten here would otherwise be heuristically cacheable,
    /// and a shared cache could hand one customer's order to another.
    /// </summary>
    public static IApplicationBuilder UseShopHttpCaching(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                context.Response.OnStarting(static state =>
                {
                    var response = (HttpResponse)state;
                    if (string.IsNullOrEmpty(response.Headers.CacheControl))
                    {
                        response.Headers.CacheControl = ShopCacheControl.NoStore;
                    }

                    return Task.CompletedTask;
                }, context.Response);
            }

            return next(context);
        });
}
