using System.Globalization;
using Shop.Externals.Hosting;
using Shop.Externals.PaymentProvider;
using Shop.Externals.Recommendations;

// Runs both stand-ins, each as its own app on its own port:
//   dotnet run --project shop/Shop.Externals -- --payment-url http://127.0.0.1:5101 --recommendations-url http://127.0.0.1:5102
var settings = new ConfigurationBuilder().AddCommandLine(args).AddEnvironmentVariables("SHOP_EXTERNALS_").Build();
var apps = new[]
{
    PaymentProviderApp.Create(settings["payment-url"] ?? "http://127.0.0.1:5101"),
    RecommendationsApp.Create(settings["recommendations-url"] ?? "http://127.0.0.1:5102"),
};

if (int.TryParse(settings["parent-pid"], NumberStyles.None, CultureInfo.InvariantCulture, out var parentPid))
{
    foreach (var app in apps)
    {
        _ = new ParentWatcher(parentPid, app.Lifetime, TimeProvider.System).StartAsync(app.Lifetime.ApplicationStopping);
    }
}

await Task.WhenAll(apps.Select(a => a.RunAsync()));
