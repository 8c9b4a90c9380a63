using System.Globalization;
using Shop.Externals.Acquirer;
using Shop.Externals.Hosting;
using Shop.Externals.LegacyErp;
using Shop.Externals.LegacyShop;
using Shop.Externals.PaymentProvider;
using Shop.Externals.Recommendations;

// Runs the stand-ins, each as its own app on its own port:
//   dotnet run --project shop/Shop.Externals -- --payment-url http://127.0.0.1:5101 --recommendations-url http://127.0.0.1:5102
// --apps picks which (payment, recommendations, legacy; default the first two). The legacy shop (the strangler fig's
// old system) runs only when asked, so the copies the shop launches for itself never compete for its port:
//   dotnet run --project shop/Shop.Externals -- --apps legacy --legacy-url http://127.0.0.1:5103
// The second payment provider (Shop:Payments:Provider=Acquirer) and the legacy ERP (Inventory's stock sync) likewise:
//   dotnet run --project shop/Shop.Externals -- --apps acquirer,erp --acquirer-url http://127.0.0.1:5104 --erp-url http://127.0.0.1:5105
var settings = new ConfigurationBuilder().AddCommandLine(args).AddEnvironmentVariables("SHOP_EXTERNALS_").Build();
var chosen = (settings["apps"] ?? "payment,recommendations").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
var apps = new List<WebApplication>();
foreach (var name in chosen)
{
    apps.Add(name.ToUpperInvariant() switch
    {
        "PAYMENT" => PaymentProviderApp.Create(settings["payment-url"] ?? "http://127.0.0.1:5101"),
        "RECOMMENDATIONS" => RecommendationsApp.Create(settings["recommendations-url"] ?? "http://127.0.0.1:5102"),
        "LEGACY" => LegacyShopApp.Create(settings["legacy-url"] ?? "http://127.0.0.1:5103"),
        "ACQUIRER" => AcquirerApp.Create(settings["acquirer-url"] ?? "http://127.0.0.1:5104", apiKey: settings["acquirer-api-key"]),
        "ERP" => LegacyErpApp.Create(settings["erp-url"] ?? "http://127.0.0.1:5105"),
        _ => throw new ArgumentException($"--apps names '{name}'; choose from payment, recommendations, legacy, acquirer, erp."),
    });
}

if (int.TryParse(settings["parent-pid"], NumberStyles.None, CultureInfo.InvariantCulture, out var parentPid))
{
    foreach (var app in apps)
    {
        _ = new ParentWatcher(parentPid, app.Lifetime, TimeProvider.System).StartAsync(app.Lifetime.ApplicationStopping);
    }
}

// Started one by one before any is waited on: an app that cannot start (its port taken) ends the process with an error
// at once. Run together, the others kept the process alive, and a parent waiting for the failed one's health polled a
// port that someone else served until its launch timeout.
try
{
    foreach (var app in apps)
    {
        await app.StartAsync();
    }

    await Task.WhenAll(apps.Select(a => a.WaitForShutdownAsync()));
}
finally
{
    foreach (var app in apps)
    {
        await app.DisposeAsync();
    }
}
