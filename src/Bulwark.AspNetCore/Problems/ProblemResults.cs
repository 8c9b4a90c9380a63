using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bulwark.AspNetCore.Problems;

/// <summary>Typed problem results for minimal API handlers, each with its stable <c>type</c>.</summary>
public static class ProblemResults
{
    /// <summary>400: the request itself is malformed.</summary>
    public static ProblemHttpResult BadRequest(string detail, IDictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status400BadRequest, "Bad request", detail, extensions);

    /// <summary>404: the resource does not exist.</summary>
    public static ProblemHttpResult NotFound(string detail) =>
        Create(StatusCodes.Status404NotFound, "Not found", detail);

    /// <summary>409: the request conflicts with the resource's current state.</summary>
    public static ProblemHttpResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status409Conflict, "Conflict", detail, extensions);

    /// <summary>422: well-formed but cannot be processed.</summary>
    public static ProblemHttpResult Unprocessable(string detail, IDictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status422UnprocessableEntity, "Unprocessable request", detail, extensions);

    /// <summary>Builds a problem result with the stable type for <paramref name="status"/>.</summary>
    public static ProblemHttpResult Create(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: ProblemTypes.ForStatus(status), extensions: extensions);
}
