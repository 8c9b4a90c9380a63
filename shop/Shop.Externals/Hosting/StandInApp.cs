using Bulwark.AspNetCore.Health;
using Bulwark.AspNetCore.Problems;
using Bulwark.Observability.Telemetry;
using Shop.Externals.Faults;

namespace Shop.Externals.Hosting;

/// <summary>Builds a stand-in: its own ASP.NET Core app on its own loopback address, with fault injection.</summary>
public static class StandInApp
{
    /// <summary>Creates a stand-in app listening on <paramref name="url"/> (use port 0 for a free port).</summary>
    public static WebApplication Create(
        string name,
        string url,
        Action<IServiceCollection> services,
        Action<IEndpointRouteBuilder> endpoints,
        string[]? args = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args ?? [], ApplicationName = name });
        builder.WebHost.UseUrls(url);
        builder.AddBulwarkObservability(o => o.ServiceName = name);
        // ASP.NET Core writes six Information lines per request (starting, endpoint, result, finished); a stand-in
        // answering a burst of product pages spent more CPU on them than on the answer, and the launched stand-ins'
        // lines pass through the shop's own stdout. A configured level for the category still wins.
        if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] is null)
        {
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }

        builder.Services.AddBulwarkProblemDetails();
        builder.Services.AddBulwarkHealth();
        builder.Services.AddSingleton(new FaultInjector(new Random()));
        services(builder.Services);

        var app = builder.Build();
        app.UseBulwarkProblemDetails();
        app.UseMiddleware<FaultMiddleware>();
        app.MapBulwarkHealth();
        FaultControlEndpoints.Map(app);
        endpoints(app);
        return app;
    }

    /// <summary>The address the started app actually listens on (resolves port 0).</summary>
    public static Uri BaseAddress(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new Uri(app.Urls.First());
    }
}
