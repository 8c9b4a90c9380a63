using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.Host.Tests;

/// <summary>The real shop host on Kestrel, on a free loopback port, with its own data folder.</summary>
internal sealed class RunningShop : IAsyncDisposable
{
    private readonly WebApplication _app;

    /// <summary>The admin key in the shop's appsettings.json (operator endpoints).</summary>
    public const string AdminKey = "demo-admin-key-change-me";

    private RunningShop(WebApplication app, string dataPath, HttpClient client)
    {
        _app = app;
        DataPath = dataPath;
        Client = client;
        Admin = new HttpClient { BaseAddress = client.BaseAddress };
        Admin.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
    }

    public string DataPath { get; }

    public HttpClient Client { get; }

    /// <summary>A client that sends the admin key, for operator endpoints.</summary>
    public HttpClient Admin { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<RunningShop> StartAsync(string? dataPath = null, Action<IServiceCollection>? services = null, params string[] extraArgs)
    {
        dataPath ??= Path.Combine(Path.GetTempPath(), "bulwark-shop-" + Guid.NewGuid().ToString("N"));
        var app = ShopApp.Build(
            [
                $"--urls=http://127.0.0.1:{FreePort.Next()}",
                "--environment=Development",
                $"--Shop:Data:Path={dataPath}",
                "--Shop:Externals:Launch=false",
                "--Logging:LogLevel:Default=Warning",
                .. extraArgs,
            ],
            builder => services?.Invoke(builder.Services));
        await app.StartAsync(TestContext.Current.CancellationToken);
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        return new RunningShop(app, dataPath, client);
    }

    /// <summary>
    /// Signs up a new customer and signs them in: the returned client sends the customer's token. Sign-up and sign-in
    /// go with the internal-tier key so many customers from one address are not rate limited as anonymous traffic.
    /// </summary>
    public Task<ShopCustomer> NewCustomerAsync(string? displayName = null) => ShopCustomer.SignUpAsync(Client.BaseAddress!, displayName);

    /// <summary>An operator's manual charge (<c>POST /api/payments/charges</c>: admin key and an Idempotency-Key, fresh unless given).</summary>
    public async Task<HttpResponseMessage> ChargeAsync(HttpContent body, string? idempotencyKey = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/charges") { Content = body };
        request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString("N"));
        configure?.Invoke(request);
        return await Admin.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>As <see cref="ChargeAsync(HttpContent, string?, Action{HttpRequestMessage}?)"/> with a JSON body.</summary>
    public Task<HttpResponseMessage> ChargeAsync(object body, string? idempotencyKey = null, Action<HttpRequestMessage>? configure = null) =>
        ChargeAsync(System.Net.Http.Json.JsonContent.Create(body), idempotencyKey, configure);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Admin.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
