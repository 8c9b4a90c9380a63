using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Bulwark.AspNetCore.Resilience;

/// <summary>Writes RFC 9457 problem details with Bulwark's stable <c>type</c> URIs.</summary>
internal static class ProblemResponses
{
    public static Task WriteAsync(HttpContext context, int status, string slug, string title, string detail, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Type = $"https://bulwark.dev/problems/{slug}",
            Title = title,
            Status = status,
            Detail = detail,
            Instance = context.Request.Path,
        };
        return context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", cancellationToken);
    }
}
