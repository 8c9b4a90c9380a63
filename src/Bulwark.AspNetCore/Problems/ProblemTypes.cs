namespace Bulwark.AspNetCore.Problems;

/// <summary>
/// Stable <c>type</c> URIs for the problem details Bulwark answers with, so clients can branch on them.
/// See docs/http-errors.md.
/// </summary>
public static class ProblemTypes
{
    /// <summary>The base every Bulwark problem type shares.</summary>
    public const string Base = "https://bulwark.dev/problems/";

    /// <summary>The request was malformed (400).</summary>
    public const string BadRequest = Base + "bad-request";

    /// <summary>The requested resource does not exist (404).</summary>
    public const string NotFound = Base + "not-found";

    /// <summary>The request conflicts with the current state (409).</summary>
    public const string Conflict = Base + "conflict";

    /// <summary>The request was well-formed but cannot be processed (422).</summary>
    public const string Unprocessable = Base + "unprocessable";

    /// <summary>The request body is larger than the endpoint or the server accepts (413).</summary>
    public const string PayloadTooLarge = Base + "payload-too-large";

    /// <summary>The request (usually its body) arrived too slowly (408).</summary>
    public const string RequestTimeout = Base + "request-timeout";

    /// <summary>The caller sent too many requests (429).</summary>
    public const string TooManyRequests = Base + "too-many-requests";

    /// <summary>An unexpected fault; details are in the logs under the trace id, never in the body (500).</summary>
    public const string InternalError = Base + "internal-error";

    /// <summary>The request carries no credentials, or unknown ones (401).</summary>
    public const string Unauthorized = Base + "unauthorized";

    /// <summary>The caller is known but may not do this (403).</summary>
    public const string Forbidden = Base + "forbidden";

    /// <summary>An <c>If-Match</c> precondition no longer holds: someone changed the resource first (412).</summary>
    public const string PreconditionFailed = Base + "precondition-failed";

    /// <summary>The service is temporarily unable to take the request (503).</summary>
    public const string Unavailable = Base + "unavailable";

    /// <summary>The request's time budget ran out (504).</summary>
    public const string DeadlineExceeded = Base + "deadline-exceeded";

    /// <summary>Maps an HTTP status code to its stable problem type.</summary>
    public static string ForStatus(int statusCode) => statusCode switch
    {
        400 => BadRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        408 => RequestTimeout,
        409 => Conflict,
        412 => PreconditionFailed,
        413 => PayloadTooLarge,
        422 => Unprocessable,
        429 => TooManyRequests,
        503 => Unavailable,
        504 => DeadlineExceeded,
        >= 500 => InternalError,
        _ => Base + statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
