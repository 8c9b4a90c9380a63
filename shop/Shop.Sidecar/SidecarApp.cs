using Bulwark.AspNetCore.Deadlines;
using Bulwark.AspNetCore.Health;
using Bulwark.AspNetCore.Problems;
using Bulwark.Observability.Telemetry;
using Bulwark.Sidecar;

namespace Shop.Sidecar;

/// <summary>Builds the sidecar: deadlines at the door, YARP through each upstream's Bulwark pipeline, health, metrics, traces.</summary>
public static partial class SidecarApp
{
    /// <summary>
    /// Builds the app from <c>appsettings.json</c>, the environment and <paramref name="args"/>;
    /// <c>--sidecar-config=path.json</c> adds a file (its upstreams and pipelines), command-line values still winning.
    /// </summary>
    /// <param name="args">Command-line arguments, e.g. <c>--Bulwark:Sidecar:Upstreams:recommendations:Address=http://127.0.0.1:5122</c>.</param>
    /// <returns>The app, not yet started.</returns>
    public static WebApplication Build(string[] args)
    {
        // appsettings.json sits beside the binary, wherever the sidecar is started from.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (builder.Configuration["sidecar-config"] is { Length: > 0 } file)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
            builder.Configuration.AddCommandLine(args);
        }

        if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] is null)
        {
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }

        builder.AddBulwarkObservability(o => o.ServiceName ??= "bulwark-sidecar");
        builder.Services.AddBulwarkProblemDetails();
        builder.Services.AddBulwarkHealth();
        builder.Services.AddBulwarkSidecar(builder.Configuration);

        var app = builder.Build();
        app.UseBulwarkProblemDetails();
        // First: a request whose deadline has passed is answered 504 before any upstream is called.
        app.UseBulwarkDeadlines();
        app.MapBulwarkHealth();
        app.MapBulwarkMetrics();
        app.MapBulwarkSidecar();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var urls = string.Join(", ", app.Urls);
            LogReady(app.Logger, urls);
        });
        return app;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Sidecar ready at {Urls}")]
    private static partial void LogReady(ILogger logger, string urls);
}
