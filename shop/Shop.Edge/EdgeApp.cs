using Bulwark.AspNetCore.Health;
using Bulwark.AspNetCore.Limits;
using Bulwark.AspNetCore.Problems;
using Bulwark.Edge;

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
        builder.Services.AddBulwarkEdge(builder.Configuration.GetSection(EdgeOptions.SectionName));
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseBulwarkProblemDetails();
        app.MapBulwarkHealth();
        app.MapBulwarkEdge();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var urls = string.Join(", ", app.Urls);
            LogReady(app.Logger, urls);
        });
        return app;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Edge ready at {Urls}; try GET /api/products/1 or, with an operator key, GET /edge/release")]
    private static partial void LogReady(ILogger logger, string urls);
}
