using System.Net.Http.Json;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Shop.Externals.Hosting;
using Shop.Externals.PaymentProvider;
using Shop.Externals.Recommendations;

namespace Shop.Host.Tests;

/// <summary>Both third-party stand-ins on free loopback ports, with their fault controls.</summary>
internal sealed class StandIns : IAsyncDisposable
{
    private readonly WebApplication _payments;
    private readonly WebApplication _recommendations;

    private StandIns(WebApplication payments, WebApplication recommendations)
    {
        _payments = payments;
        _recommendations = recommendations;
        Payments = new HttpClient { BaseAddress = payments.BaseAddress() };
        Recommendations = new HttpClient { BaseAddress = recommendations.BaseAddress() };
    }

    public HttpClient Payments { get; }

    public HttpClient Recommendations { get; }

    /// <summary>Arguments that point the shop at these stand-ins.</summary>
    public string[] ShopArgs =>
    [
        $"--Shop:Externals:PaymentProviderUrl={_payments.BaseAddress()}",
        $"--Shop:Externals:RecommendationsUrl={_recommendations.BaseAddress()}",
    ];

    public static async Task<StandIns> StartAsync()
    {
        var payments = HostLogFile.LogToFile(PaymentProviderApp.Create("http://127.0.0.1:0", ["--Logging:LogLevel:Default=Warning", .. HostLogFile.ConsoleOff]), "payments");
        var recommendations = HostLogFile.LogToFile(RecommendationsApp.Create("http://127.0.0.1:0", ["--Logging:LogLevel:Default=Warning", .. HostLogFile.ConsoleOff]), "recommendations");
        await payments.StartAsync(TestContext.Current.CancellationToken);
        await recommendations.StartAsync(TestContext.Current.CancellationToken);
        return new StandIns(payments, recommendations);
    }

    public static async Task SetFaultsAsync(HttpClient standIn, object faults) =>
        (await standIn.PutAsJsonAsync("/_control/faults", faults, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

    public static async Task<long> RequestCountAsync(HttpClient standIn)
    {
        var status = await standIn.GetFromJsonAsync<System.Text.Json.JsonElement>("/_control/faults", TestContext.Current.CancellationToken);
        return status.GetProperty("requests").GetInt64();
    }

    public async ValueTask DisposeAsync()
    {
        Payments.Dispose();
        Recommendations.Dispose();
        await _payments.DisposeAsync();
        await _recommendations.DisposeAsync();
    }
}
