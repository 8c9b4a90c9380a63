using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bulwark.AspNetCore.Problems;

/// <summary>Typed problem results for minimal API handlers, each with its stable <c>type</c>.</summary>
public static class ProblemResults
{
    /// <summary>400: the request itself is malformed.</summary>
    public static ProblemHttpResult BadRequest(string detail, IDictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status400BadRequest, "Bad request", detail, extensions);

    /// <summary>401: no credentials, or unknown ones.</summary>
    public static ProblemHttpResult Unauthorized(string detail) =>
        Create(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

    /// <summary>403: the caller is known but may not do this.</summary>
    public static ProblemHttpResult Forbidden(string detail) =>
        Create(StatusCodes.Status403Forbidden, "Forbidden", detail);

    /// <summary>404: the resource does not exist.</summary>
    public static ProblemHttpResult NotFound(string detail) =>
        Create(StatusCodes.Status404NotFound, "Not found", detail);

    /// <summary>409: the request conflicts with the resource's current state.</summary>
    public static ProblemHttpResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status409Conflict, "Conflict", detail, extensions);

    /// <summary>412: an <c>If-Match</c> precondition failed; the client should re-read and decide again.</summary>
    public static ProblemHttpResult PreconditionFailed(string detail, IDictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status412PreconditionFailed, "Precondition failed", detail, extensions);

    /// <summary>422: well-formed but cannot be processed.</summary>
    public static ProblemHttpResult Unprocessable(string detail, IDictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status422UnprocessableEntity, "Unprocessable request", detail, extensions);

    /// <summary>Builds a problem result with the stable type for <paramref name="status"/>.</summary>
    public static ProblemHttpResult Create(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: ProblemTypes.ForStatus(status), extensions: extensions);
}
