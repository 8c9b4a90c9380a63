using Bulwark.AspNetCore.Resilience;
using Bulwark.Resilience.Deadlines;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Deadlines;

/// <summary>
/// Fixes the request's absolute deadline at the entry from <c>X-Deadline</c> (Unix epoch milliseconds) or the default
/// budget, makes it ambient (<see cref="DeadlineContext"/>) and links it to <see cref="HttpContext.RequestAborted"/> so
/// downstream work is cancelled when it passes. Malformed → 400; already spent → 504 without running the endpoint;
/// spent during the request → 504.
/// </summary>
/// <param name="next">The rest of the pipeline.</param>
/// <param name="timeProvider">The clock.</param>
/// <param name="optionsMonitor">The settings.</param>
/// <param name="logger">Where shed requests are logged.</param>
public sealed partial class DeadlineMiddleware(RequestDelegate next, TimeProvider timeProvider, IOptionsMonitor<DeadlineOptions> optionsMonitor, ILogger<DeadlineMiddleware> logger)
{
    /// <summary>Runs the middleware.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task that completes with the request.</returns>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = optionsMonitor.CurrentValue;
        var now = timeProvider.GetUtcNow();
        var cap = new Deadline(now + options.MaxBudget);
        Deadline deadline;
        if (context.Request.Headers.TryGetValue(Deadline.HeaderName, out var header))
        {
            if (header.Count != 1 || !Deadline.TryParseHeader(header[0], out deadline))
            {
                LogMalformed(logger, context.Request.Path);
                await ProblemResponses.WriteAsync(context, StatusCodes.Status400BadRequest, "malformed-deadline", "Malformed X-Deadline header",
                    "X-Deadline must be one absolute Unix epoch time in milliseconds (UTC), digits only.", context.RequestAborted).ConfigureAwait(false);
                return;
            }

            deadline = deadline.Min(cap);
        }
        else
        {
            deadline = new Deadline(now + options.DefaultBudget);
        }

        if (deadline.IsExpired(timeProvider))
        {
            LogShed(logger, context.Request.Path, deadline.At);
            await ProblemResponses.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "deadline-exceeded", "Deadline exceeded",
                "The request's deadline had already passed when it arrived; it was not processed.", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var aborted = context.RequestAborted;
        using var scope = DeadlineContext.Begin(deadline, timeProvider, aborted);
        context.RequestAborted = scope.Token;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception e) when (IsDeadlineFailure(e, scope) && !aborted.IsCancellationRequested && !context.Response.HasStarted)
        {
            LogExpired(logger, context.Request.Path);
            await ProblemResponses.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "deadline-exceeded", "Deadline exceeded",
                "The request's deadline passed before it could be completed; the work was cancelled.", CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            context.RequestAborted = aborted;
        }
    }

    private static bool IsDeadlineFailure(Exception e, DeadlineScope scope) =>
        e is DeadlineExceededException || (e is OperationCanceledException && scope.IsExpired);
}
