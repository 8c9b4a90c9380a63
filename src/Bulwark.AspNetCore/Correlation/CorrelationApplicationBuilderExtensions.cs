using System.Buffers;
using System.Diagnostics;
using Bulwark.Messaging;
using Microsoft.AspNetCore.Builder;

namespace Bulwark.AspNetCore.Correlation;

/// <summary>
/// A correlation id on every request: the id of one business conversation, distinct from the trace id because a
/// conversation can outlive its trace (a message retried later, a saga resumed by the sweeper, the customer's next
/// request about the same order). See docs/observability.md, "Find a request".
/// </summary>
public static class CorrelationApplicationBuilderExtensions
{
    /// <summary>The request and response header of the correlation id.</summary>
    public const string HeaderName = "X-Correlation-Id";

    /// <summary>The longest correlation id taken from a caller; a longer one is replaced, never truncated.</summary>
    public const int MaxLength = 64;

    // Letters, digits and - _ . : only: the id is written into log lines and headers, so nothing that needs escaping.
    private static readonly SearchValues<char> Allowed = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:");

    /// <summary>
    /// Takes the caller's <c>X-Correlation-Id</c> (or the <c>baggage</c> item a traced caller sent) when it is well
    /// formed, or starts a new one; puts it in the request activity's baggage (so every log line and every message
    /// sent while handling the request carries it) and echoes it on the response. Call it first in the pipeline.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IApplicationBuilder UseBulwarkCorrelation(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(static (context, next) =>
        {
            var id = Correlate(context.Request.Headers[HeaderName].ToString(), Activity.Current);
            // Set before the body starts: the caller learns the id even when the answer is an error.
            context.Response.Headers[HeaderName] = id;
            return next(context);
        });
    }

    /// <summary>The request's correlation id, set on <paramref name="activity"/>'s baggage.</summary>
    internal static string Correlate(string? header, Activity? activity)
    {
        var id = IsWellFormed(header) ? header! : null;
        var carried = activity?.GetBaggageItem(MessageHeaders.CorrelationBaggage);
        id ??= IsWellFormed(carried) ? carried : Guid.NewGuid().ToString("N");
        activity?.SetBaggage(MessageHeaders.CorrelationBaggage, id);
        return id!;
    }

    private static bool IsWellFormed(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= MaxLength && !value.AsSpan().ContainsAnyExcept(Allowed);
}
