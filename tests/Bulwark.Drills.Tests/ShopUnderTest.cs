using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Shop.Externals.PaymentProvider;
using Shop.Host;

namespace Bulwark.Drills.Tests;

/// <summary>The real shop on Kestrel and the real payment-provider stand-in, each on its own free loopback port.</summary>
internal static class ShopUnderTest
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<WebApplication> StartProviderAsync()
    {
        var app = PaymentProviderApp.Create("http://127.0.0.1:0", ["--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning"]);
        await app.StartAsync(Ct);
        return app;
    }

    /// <summary>The operator key drill traffic carries (charges are an operator endpoint); the Development settings map it to the internal rate-limit tier.</summary>
    public static readonly IReadOnlyDictionary<string, string> DrillHeaders = new Dictionary<string, string> { ["X-Api-Key"] = "demo-admin-key-change-me" };

    public static async Task<WebApplication> StartShopAsync(WebApplication provider, params string[] extraArgs)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "bulwark-drills-shop-" + Guid.NewGuid().ToString("N"));
        var app = ShopApp.Build(
        [
            $"--urls=http://127.0.0.1:{FreePort.Next()}",
            "--environment=Development",
            $"--Shop:Data:Path={dataPath}",
            "--Shop:Externals:Launch=false",
            $"--Shop:Externals:PaymentProviderUrl={provider.Urls.First()}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.AspNetCore.HttpLogging=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
            .. extraArgs,
        ]);
        await app.StartAsync(Ct);
        return app;
    }
}
