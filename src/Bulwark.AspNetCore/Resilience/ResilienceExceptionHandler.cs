using System.Globalization;
using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.Deadlines;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Bulwark.AspNetCore.Resilience;

/// <summary>
/// Turns resilience refusals that reach the edge into problem details: a full bulkhead or an open breaker → 503 with
/// <c>Retry-After</c>, a spent deadline or a pipeline's own timeout → 504. Register with <c>services.AddExceptionHandler&lt;ResilienceExceptionHandler&gt;()</c>.
/// </summary>
public sealed class ResilienceExceptionHandler : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        switch (exception)
        {
            case BulkheadRejectedException full:
                SetRetryAfter(httpContext, full.RetryAfter);
                await ProblemResponses.WriteAsync(httpContext, StatusCodes.Status503ServiceUnavailable, "bulkhead-full", "Service busy",
                    $"The '{full.Compartment}' compartment is at capacity; try again later.", cancellationToken).ConfigureAwait(false);
                return true;
            case BrokenCircuitException broken:
                SetRetryAfter(httpContext, broken.RetryAfter ?? TimeSpan.FromSeconds(1));
                await ProblemResponses.WriteAsync(httpContext, StatusCodes.Status503ServiceUnavailable, "dependency-unavailable", "Dependency unavailable",
                    broken.Message, cancellationToken).ConfigureAwait(false);
                return true;
            case DeadlineExceededException:
                await ProblemResponses.WriteAsync(httpContext, StatusCodes.Status504GatewayTimeout, "deadline-exceeded", "Deadline exceeded",
                    "The request's deadline passed before it could be completed.", cancellationToken).ConfigureAwait(false);
                return true;
            case TimeoutRejectedException:
                // A pipeline's own time limit (not the caller's deadline) ran out: still the server timing out, never a 500.
                await ProblemResponses.WriteAsync(httpContext, StatusCodes.Status504GatewayTimeout, "timeout", "Timed out",
                    "The operation did not complete within its time limit; try again later.", cancellationToken).ConfigureAwait(false);
                return true;
            default:
                return false;
        }
    }

    private static void SetRetryAfter(HttpContext context, TimeSpan after) =>
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
