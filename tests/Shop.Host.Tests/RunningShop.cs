using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Shop.Host.Tests;

/// <summary>
/// The real shop host on Kestrel, on a loopback port it binds itself (port 0, so no other process can race for it),
/// with its own data folder and its logs in a file of its own (<see cref="HostLogFile"/>). Its third-party stand-ins
/// point at a port that refuses connections unless a test passes real ones: the shipped defaults (127.0.0.1:5101/5102)
/// may be served by anything else on the machine.
/// </summary>
internal sealed class RunningShop : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HostLogFile _logs;

    /// <summary>
    /// Payment budgets for tests that are not about timing: a charge to the in-process stand-in on a saturated CI machine
    /// (every test assembly at once) can take longer than the shop's 1.5 s production budget.
    /// </summary>
    public static readonly string[] RoomyPaymentBudgets =
    [
        "--Bulwark:Resilience:Pipelines:payments:Timeout=00:00:15",
        "--Bulwark:Resilience:Pipelines:payments:AttemptTimeout=00:00:10",
        "--Bulwark:Deadlines:DefaultBudget=00:00:30",
    ];

    /// <summary>The admin key in the shop's appsettings.json (operator endpoints).</summary>
    public const string AdminKey = "demo-admin-key-change-me";

    private readonly bool _ownData;

    private RunningShop(WebApplication app, HostLogFile logs, string dataPath, bool ownData, HttpClient client)
    {
        _app = app;
        _ownData = ownData;
        _logs = logs;
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

    /// <summary>Opens a connection to the shop's database (SQLite or PostgreSQL), for tests that look behind the API.</summary>
    public Task<System.Data.Common.DbConnection> OpenDatabaseAsync() =>
        Services.GetRequiredService<Shop.Infrastructure.Data.ShopDatabase>().OpenAsync(TestContext.Current.CancellationToken);

    /// <summary>The shop database's dialect name (<c>sqlite</c> or <c>postgres</c>).</summary>
    public string Dialect => Services.GetRequiredService<Shop.Infrastructure.Data.ShopDatabase>().Dialect.Name;

    /// <summary>How many tables whose names start with <paramref name="prefix"/> the shop's own database holds, whichever it runs on.</summary>
    public async Task<long> CountTablesAsync(string prefix)
    {
        await using var connection = await OpenDatabaseAsync();
        await using var tables = connection.CreateCommand();
        tables.CommandText = Dialect == Bulwark.Data.SqlDialectNames.Postgres
            ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE @prefix;"
            : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name LIKE @prefix;";
        var parameter = tables.CreateParameter();
        parameter.ParameterName = "prefix";
        parameter.Value = prefix + "%";
        tables.Parameters.Add(parameter);
        return Convert.ToInt64(await tables.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<RunningShop> StartAsync(string? dataPath = null, Action<IServiceCollection>? services = null, params string[] extraArgs)
    {
        var ownData = dataPath is null;
        dataPath ??= Path.Combine(Path.GetTempPath(), "bulwark-shop-" + Guid.NewGuid().ToString("N"));
        // SQLite in the folder, or (SHOP_TEST_DATA=postgres) the folder's own PostgreSQL database.
        var data = await ShopTestData.ArgsAsync(dataPath);
        var logs = HostLogFile.ForCurrentTest("shop");
        var app = ShopApp.Build(
            [
                "--urls=http://127.0.0.1:0",
                "--environment=Development",
                .. data,
                "--Shop:Externals:Launch=false",
                $"--Shop:Externals:PaymentProviderUrl=http://127.0.0.1:{FreePort.Refusing}",
                $"--Shop:Externals:RecommendationsUrl=http://127.0.0.1:{FreePort.Refusing}",
                "--Logging:LogLevel:Default=Warning",
                // Hundreds of sign-ups per test run: PBKDF2 at its production work factor (~50 ms of CPU each) turned
                // bursts into 504s on a busy CI machine. Identity's own tests keep the default.
                "--Shop:Identity:PasswordHasher:IterationCount=1000",
                // Later arguments win: a test's own stand-in URLs and settings replace the defaults above.
                .. extraArgs,
            ],
            builder =>
            {
                builder.Logging.ClearProviders().AddProvider(logs);
                services?.Invoke(builder.Services);
            });
        await app.StartAsync(TestContext.Current.CancellationToken);
        // After start, Urls holds the port Kestrel actually bound for port 0.
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        return new RunningShop(app, logs, dataPath, ownData, client);
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
        _logs.Dispose();
        if (_ownData)
        {
            await ShopTestData.ForgetAsync(DataPath);
        }
    }
}
