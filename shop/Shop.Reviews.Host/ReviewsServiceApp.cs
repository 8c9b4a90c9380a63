using Bulwark.AspNetCore.Health;
using Bulwark.AspNetCore.Problems;
using Bulwark.Observability.Telemetry;

namespace Shop.Reviews.Host;

/// <summary>
/// Composes the Reviews module alone: its database (its own file under <c>Shop:Data:Path</c>), its endpoints, health
/// and telemetry. The module's code is the one the shop runs in process; only the composition differs.
/// </summary>
public static class ReviewsServiceApp
{
    /// <summary>The service name in logs and traces.</summary>
    public const string Name = "reviews-service";

    /// <summary>Builds the service from command-line arguments (<c>--urls</c>, <c>--Shop:Data:Path</c>).</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ApplicationName = Name });
        if (builder.Configuration[WebHostDefaults.ServerUrlsKey] is null)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:5110");
        }

        builder.AddBulwarkObservability(o => o.ServiceName = Name);
        builder.Services.AddBulwarkProblemDetails();
        builder.Services.AddBulwarkHealth();
        builder.Services.AddReviewsModule();

        var app = builder.Build();
        app.UseBulwarkProblemDetails();
        app.MapBulwarkHealth();
        app.MapReviewsEndpoints();
        return app;
    }
}
