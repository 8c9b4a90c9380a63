using Microsoft.AspNetCore.Http;

namespace Bulwark.AspNetCore.Resilience;

/// <summary>Writes RFC 9457 problem details with Bulwark's stable <c>type</c> URIs, through the app's problem details service.</summary>
internal static class ProblemResponses
{
    public static Task WriteAsync(HttpContext context, int status, string slug, string title, string detail, CancellationToken cancellationToken)
    {
        // The problem result goes through IProblemDetailsService when one is registered, so traceId and instance
        // are added the same way as for every other error (see AddBulwarkProblemDetails).
        _ = cancellationToken;
        return Results.Problem(detail: detail, statusCode: status, title: title, type: $"https://bulwark.dev/problems/{slug}").ExecuteAsync(context);
    }
}
