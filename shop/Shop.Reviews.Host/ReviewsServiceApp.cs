using Bulwark.AspNetCore.Health;
using Bulwark.AspNetCore.Problems;
using Bulwark.Observability.Telemetry;
using Shop.Infrastructure.Modules;

namespace Shop.Reviews.Host;

/// <summary>
/// Composes the Reviews module alone: the shop database pieces (<c>Shop:Data</c>, by default its own folder
/// <see cref="DefaultDataPath"/>, never the shop's), the module's tables, its endpoints, health and telemetry. The module's code is the one the shop runs in process; only the composition differs.
/// </summary>
public static class ReviewsServiceApp
{
    /// <summary>The service name in logs and traces.</summary>
    public const string Name = "reviews-service";

    /// <summary>The service's data folder unless <c>Shop:Data:Path</c> says otherwise: its data lives with it, not in the shop's.</summary>
    public const string DefaultDataPath = "data-reviews";

    /// <summary>Builds the service from command-line arguments (<c>--urls</c>, <c>--Shop:Data:Path</c>).</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = ModuleServiceBuilder.Create(args, Name, "http://127.0.0.1:5110").UseOwnDataFolder(DefaultDataPath);
        builder.AddBulwarkObservability(o => o.ServiceName = Name);
        builder.Services.AddShopModule<ReviewsModule>(builder.Configuration);

        var app = builder.Build();
        app.UseBulwarkProblemDetails();
        app.MapBulwarkHealth();
        app.MapShopModules();
        return app;
    }
}
