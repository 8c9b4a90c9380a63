using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Shop.Infrastructure.HttpCaching;

/// <summary>
/// Makes a cacheable read answer as RFC 9111 wants: on a 200 whose handler set an <c>ETag</c>, adds
/// <c>Cache-Control</c> (unless the handler chose its own, e.g. <c>no-store</c> for a degraded page) and turns a request
/// whose <c>If-None-Match</c> matches into a 304 with the same validator and cache headers and no body.
/// </summary>
internal sealed class ConditionalGetFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var http = context.HttpContext;
        // A handler returning Results<Ok<T>, ProblemHttpResult> hands back the union; the status is on the one inside.
        var answer = result is INestedHttpResult nested ? nested.Result : result;
        if (answer is not IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK }
            || !EntityTagHeaderValue.TryParse(http.Response.Headers.ETag.ToString(), out var current))
        {
            return result;
        }

        var headers = http.Response.Headers;
        if (string.IsNullOrEmpty(headers.CacheControl))
        {
            headers.CacheControl = ShopCacheControl.PublicRevalidate;
        }

        var request = http.Request.GetTypedHeaders();
        return request.IfNoneMatch.Count > 0 && EntityTags.IfNoneMatchMatches(request.IfNoneMatch, current)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : result;
    }
}
