using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Shop.Infrastructure.Admin;

/// <summary>Keeps management endpoints on the management port and everything else off it (after routing).</summary>
public static class ManagementPortMiddleware
{
    /// <summary>
    /// Answers 404 for a management endpoint reached on another port, and for a non-management endpoint reached on the
    /// management port (health probes excepted). The port is the socket's, never a Host header the client chose.
    /// </summary>
    public static IApplicationBuilder UseShopManagementPort(this IApplicationBuilder app, int managementPort, PathString healthPrefix)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(async (context, next) =>
        {
            var isManagement = context.GetEndpoint()?.Metadata.GetMetadata<ManagementEndpointMetadata>() is not null;
            var onManagementPort = context.Connection.LocalPort == managementPort;
            if (isManagement != onManagementPort && !context.Request.Path.StartsWithSegments(healthPrefix))
            {
                await ProblemResults.NotFound($"There is nothing at {context.Request.Path} on this port.").ExecuteAsync(context);
                return;
            }

            await next(context);
        });
    }
}
