using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Bulwark.AspNetCore.Problems;

/// <summary>
/// Answers a <see cref="BadHttpRequestException"/> that reaches the edge (a body over the server's limit, a body that
/// arrives too slowly, a truncated body) with its own status (413, 408, 400) as problem details. The exception handler
/// middleware of .NET 10 would answer 500: the client's fault would read as the server's. See docs/limits.md.
/// </summary>
internal sealed class BadHttpRequestExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || httpContext.Response.HasStarted)
        {
            return false;
        }

        var (title, detail) = bad.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => ("Request body too large", "The request body is larger than this endpoint accepts."),
            StatusCodes.Status408RequestTimeout => ("Request timed out", "The request body arrived too slowly."),
            _ => ("Bad request", "The request could not be read."),
        };
        var type = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? ProblemTypes.PayloadTooLarge : ProblemTypes.ForStatus(bad.StatusCode);
        await Results.Problem(detail: detail, statusCode: bad.StatusCode, title: title, type: type).ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }
}
