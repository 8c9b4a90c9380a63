using Bulwark.AspNetCore.Deadlines;
using Bulwark.AspNetCore.Health;
using Bulwark.AspNetCore.Limits;
using Bulwark.AspNetCore.Problems;
using Bulwark.AspNetCore.RateLimiting;
using Bulwark.Resilience.RateLimiting;
using Bulwark.Edge;
using Bulwark.Resilience.DependencyInjection;
using Shop.Edge.Bff;

namespace Shop.Edge;

/// <summary>Builds the shop's edge: YARP with the strangler and release steps, limits, health and operator endpoints.</summary>
public static partial class EdgeApp
{
    /// <summary>Builds the app; <c>--edge-config=path.json</c> adds a file whose changes take effect without a restart.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="configure">Adjusts the builder last (tests use it for the clock).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (builder.Configuration["edge-config"] is { Length: > 0 } file)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: true);
            // Command-line values still win over the file.
            builder.Configuration.AddCommandLine(args);
        }

        if (!builder.Environment.IsDevelopment())
        {
            EdgeDemoSecrets.ThrowIfConfigured(builder.Configuration, builder.Environment.EnvironmentName);
        }

        if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] is null)
        {
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }

        builder.Services.AddBulwarkProblemDetails();
        builder.Services.AddBulwarkHealth();
        // Connection count, per-client connections, header sizes and timeouts, request body size: Bulwark:Limits.
        builder.Services.AddBulwarkConnectionLimits();
        // Each request's deadline is fixed here, at the outermost hop, and stamped inward (X-Deadline): Bulwark:Deadlines.
        builder.Services.AddBulwarkDeadlines(builder.Configuration);
        // Per client (address, or API key tier) before anything reaches a shop: Bulwark:RateLimiting. The edge's own
        // defaults are a coarse shield (a page with its assets is tens of requests); the shop limits finer behind it.
        builder.Services.Configure<BulwarkRateLimitingOptions>(o =>
        {
            o.Tiers["anonymous"] = new RateLimitPolicy { PermitLimit = 6_000, Window = TimeSpan.FromMinutes(1) };
            o.Tiers["internal"] = new RateLimitPolicy { PermitLimit = 5_000, Window = TimeSpan.FromSeconds(1) };
            o.Exempt = IsOperatorOrHealth;
        });
        builder.Services.AddBulwarkRateLimiting(builder.Configuration);
        builder.Services.AddBulwarkEdge(builder.Configuration.GetSection(EdgeOptions.SectionName));
        // The web and mobile BFFs (Edge:Bff:*), each with its own timeouts, rate limit and pipelines (Bulwark:Resilience).
        builder.Services.AddBulwarkResilience(builder.Configuration);
        builder.Services.AddShopBffs(builder.Configuration);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseBulwarkProblemDetails();
        // Operator calls wait for drains and smoke gates longer than a customer's budget; they are not proxied.
        app.UseWhen(context => !IsOperatorOrHealth(context), customer => customer.UseBulwarkDeadlines().UseBulwarkRateLimiting());
        app.MapBulwarkHealth();
        app.MapShopBffs();
        app.MapBulwarkEdge();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var urls = string.Join(", ", app.Urls);
            LogReady(app.Logger, urls);
        });
        return app;
    }

    private static bool IsOperatorOrHealth(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/edge") || context.Request.Path.StartsWithSegments("/health");

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Edge ready at {Urls}; try GET /api/products/1 or, with an operator key, GET /edge/release")]
    private static partial void LogReady(ILogger logger, string urls);
}
