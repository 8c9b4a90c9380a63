using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Shop.Externals.PaymentProvider;
using Shop.Host;

namespace Bulwark.Drills.Tests;

/// <summary>The real shop on Kestrel and the real payment-provider stand-in, each on its own free loopback port.</summary>
internal static class ShopUnderTest
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<WebApplication> StartProviderAsync()
    {
        var app = HostLogFile.LogToFile(
            PaymentProviderApp.Create("http://127.0.0.1:0", ["--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning", .. HostLogFile.ConsoleOff]),
            "payments");
        await app.StartAsync(Ct);
        return app;
    }

    /// <summary>The operator key drill traffic carries (charges are an operator endpoint); the Development settings map it to the internal rate-limit tier.</summary>
    public static readonly IReadOnlyDictionary<string, string> DrillHeaders = new Dictionary<string, string> { ["X-Api-Key"] = "demo-admin-key-change-me" };

    public static Task<WebApplication> StartShopAsync(WebApplication provider, params string[] extraArgs) => StartShopAsync(provider, null, extraArgs);

    /// <summary>The shop with <paramref name="services"/> applied after its own registrations (a drill's interceptor, never production code).</summary>
    public static async Task<WebApplication> StartShopAsync(WebApplication provider, Action<IServiceCollection>? services, params string[] extraArgs)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "bulwark-drills-shop-" + Guid.NewGuid().ToString("N"));
        var app = ShopApp.Build(
        [
            // Port 0: Kestrel binds a free port itself (read back from Urls after start).
            "--urls=http://127.0.0.1:0",
            "--environment=Development",
            $"--Shop:Data:Path={dataPath}",
            "--Shop:Externals:Launch=false",
            $"--Shop:Externals:PaymentProviderUrl={provider.Urls.First()}",
            // Not the shipped 127.0.0.1:5102, which anything else on the machine may serve.
            $"--Shop:Externals:RecommendationsUrl=http://127.0.0.1:{FreePort.Refusing}",
            .. HostLogFile.ConsoleOff,
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.AspNetCore.HttpLogging=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning",
            .. extraArgs,
        ],
        builder => services?.Invoke(builder.Services));
        HostLogFile.LogToFile(app, "shop");
        await app.StartAsync(Ct);
        return app;
    }
}
