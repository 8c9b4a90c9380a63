using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Bulwark.AspNetCore.Resilience;

/// <summary>
/// Turns a database the app cannot reach (a <see cref="DbException"/> the provider marks transient: refused, reset,
/// timed out, pool exhausted) into a 503 problem (<c>database-unavailable</c>) with <c>Retry-After</c>, instead of a
/// 500. A write refused this way was not acknowledged; the rare one whose commit landed before the connection broke is
/// found by retrying with the same <c>Idempotency-Key</c>. Errors the database itself returns (a constraint, bad SQL) are
/// not transient and stay 500s. Register with <c>services.AddExceptionHandler&lt;DatabaseUnavailableExceptionHandler&gt;()</c>;
/// see docs/drills.md, Split-Brain.
/// </summary>
public sealed class DatabaseUnavailableExceptionHandler : IExceptionHandler
{
    /// <summary>The problem <c>type</c> slug this handler answers with.</summary>
    public const string Slug = "database-unavailable";

    /// <summary>The <c>Retry-After</c> sent, in seconds: a reconnect is cheap, and a client's retry after a blip should find the database again.</summary>
    public const int RetryAfterSeconds = 2;

    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (Unreachable(exception) is not { } database)
        {
            return false;
        }

        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await ProblemResponses.WriteAsync(httpContext, StatusCodes.Status503ServiceUnavailable, Slug, "Database unavailable",
            $"The database could not be reached ({database.GetType().Name}); nothing was acknowledged. Retry later with the same Idempotency-Key.", cancellationToken).ConfigureAwait(false);
        return true;
    }

    // The exception itself or one it wraps (a store may add its own context around the provider's error).
    private static DbException? Unreachable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException { IsTransient: true } database)
            {
                return database;
            }
        }

        return null;
    }
}
