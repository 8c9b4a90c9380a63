using System.Globalization;
using Shop.Externals.Hosting;
using Shop.Externals.LegacyShop;
using Shop.Externals.PaymentProvider;
using Shop.Externals.Recommendations;

// Runs the stand-ins, each as its own app on its own port:
//   dotnet run --project shop/Shop.Externals -- --payment-url http://127.0.0.1:5101 --recommendations-url http://127.0.0.1:5102
// The legacy shop (the strangler fig's old system) runs only when asked, e.g. --legacy-url http://127.0.0.1:5103, so the
// copies the shop launches for itself never compete for its port.
var settings = new ConfigurationBuilder().AddCommandLine(args).AddEnvironmentVariables("SHOP_EXTERNALS_").Build();
var apps = new List<WebApplication>
{
    PaymentProviderApp.Create(settings["payment-url"] ?? "http://127.0.0.1:5101"),
    RecommendationsApp.Create(settings["recommendations-url"] ?? "http://127.0.0.1:5102"),
};
if (settings["legacy-url"] is { Length: > 0 } legacyUrl)
{
    apps.Add(LegacyShopApp.Create(legacyUrl));
}

if (int.TryParse(settings["parent-pid"], NumberStyles.None, CultureInfo.InvariantCulture, out var parentPid))
{
    foreach (var app in apps)
    {
        _ = new ParentWatcher(parentPid, app.Lifetime, TimeProvider.System).StartAsync(app.Lifetime.ApplicationStopping);
    }
}

await Task.WhenAll(apps.Select(a => a.RunAsync()));
