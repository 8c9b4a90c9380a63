using Bulwark.AspNetCore.Idempotency;
using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Http;

namespace Shop.Infrastructure.OpenApi;

/// <summary>
/// The problem <c>type</c>s each status can carry, as the shop's middleware and handlers write them: the OpenAPI document
/// lists them per response so a client can branch on them (docs/http-errors.md).
/// </summary>
internal static class ShopApiProblems
{
    // Bulwark.AspNetCore writes these slugs directly (deadlines, rate limiting, resilience refusals).
    public const string MalformedDeadline = ProblemTypes.Base + "malformed-deadline";
    public const string RateLimited = ProblemTypes.Base + "rate-limited";
    public const string BulkheadFull = ProblemTypes.Base + "bulkhead-full";
    public const string DependencyUnavailable = ProblemTypes.Base + "dependency-unavailable";
    public const string Timeout = ProblemTypes.Base + "timeout";
    public const string DatabaseUnavailable = ProblemTypes.Base + "database-unavailable";

    /// <summary>The types a status can answer with on any endpoint, plus those of the idempotency middleware when it runs.</summary>
    public static IEnumerable<string> TypesFor(int status, bool idempotent)
    {
        yield return ProblemTypes.ForStatus(status);
        switch (status)
        {
            case StatusCodes.Status400BadRequest:
                yield return MalformedDeadline;
                if (idempotent)
                {
                    yield return IdempotencyProblems.KeyMissing;
                    yield return IdempotencyProblems.KeyMalformed;
                }

                break;
            case StatusCodes.Status409Conflict when idempotent:
                yield return IdempotencyProblems.RequestInFlight;
                break;
            case StatusCodes.Status413PayloadTooLarge when idempotent:
                yield return IdempotencyProblems.BodyTooLarge;
                break;
            case StatusCodes.Status422UnprocessableEntity when idempotent:
                yield return IdempotencyProblems.KeyReused;
                break;
            case StatusCodes.Status429TooManyRequests:
                yield return RateLimited;
                if (idempotent)
                {
                    yield return IdempotencyProblems.CallerKeyLimit;
                }

                break;
            case StatusCodes.Status503ServiceUnavailable:
                yield return BulkheadFull;
                yield return DependencyUnavailable;
                yield return DatabaseUnavailable;
                break;
            case StatusCodes.Status504GatewayTimeout:
                yield return Timeout;
                break;
        }
    }

    /// <summary>One line on what the status means in this API, for the response's description.</summary>
    public static string Describe(int status) => status switch
    {
        400 => "The request is malformed (a parameter, the body, X-Deadline or Idempotency-Key).",
        401 => "No credentials, or unknown or expired ones: sign in (customer token) or send an admin key (X-Api-Key).",
        402 => "The payment was declined.",
        403 => "The caller is known but may not use this endpoint.",
        404 => "The resource does not exist, or belongs to another customer (never a hint which).",
        409 => "The request conflicts with the resource's current state, or a request with the same Idempotency-Key is still running.",
        412 => "If-Match no longer holds: someone changed the resource first; GET it again and decide on the new state.",
        413 => "The request body is larger than this endpoint accepts.",
        422 => "The request is well-formed but breaks a rule (see detail and errors).",
        429 => "Too many requests: wait for Retry-After seconds.",
        503 => "The service or a dependency is temporarily unable to take the request; retry later (Retry-After when known).",
        504 => "The request's deadline (X-Deadline, or the server's default budget) or an operation's own time limit ran out.",
        _ => "A problem.",
    };
}
