using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.AspNetCore.Problems;

/// <summary>RFC 9457 problem details for every error a Bulwark service returns. See docs/http-errors.md.</summary>
public static class ProblemDetailsServiceCollectionExtensions
{
    /// <summary>
    /// Registers problem details with a stable <c>type</c> per status, the request's <c>traceId</c> and
    /// <c>instance</c> on every body, and a 500 handler that never leaks a stack trace.
    /// </summary>
    public static IServiceCollection AddBulwarkProblemDetails(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            // ASP.NET's defaults point at RFC section URLs; clients need one stable type per kind of error.
            if (problem.Type is null || problem.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal)
                || problem.Type.StartsWith("https://datatracker.ietf.org/", StringComparison.Ordinal))
            {
                problem.Type = ProblemTypes.ForStatus(status);
            }

            problem.Instance ??= context.HttpContext.Request.Path;
            problem.Extensions["traceId"] = Activity.Current?.TraceId.ToHexString() ?? context.HttpContext.TraceIdentifier;
            if (Activity.Current?.GetBaggageItem(Bulwark.Messaging.MessageHeaders.CorrelationBaggage) is { } correlation)
            {
                // The conversation's id too: it finds the work the request started after its own trace ended.
                problem.Extensions["correlationId"] = correlation;
            }
            if (status >= 500 && context.Exception is not null)
            {
                // The exception stays in the logs; the body only says where to look.
                problem.Detail = "An unexpected error occurred. Quote the traceId when reporting it.";
            }
        });
        // Kestrel's own refusals (body too large, too slow) keep their 4xx instead of becoming a 500.
        services.AddExceptionHandler<BadHttpRequestExceptionHandler>();
        return services;
    }

    /// <summary>
    /// Turns unhandled exceptions and bare error status codes (404 from routing, 405, ...) into problem details.
    /// Call early in the pipeline.
    /// </summary>
    public static IApplicationBuilder UseBulwarkProblemDetails(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
