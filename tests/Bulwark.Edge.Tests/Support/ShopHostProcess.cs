using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Bulwark.Testing;
using Shop.Host;

namespace Bulwark.Edge.Tests.Support;

/// <summary>
/// The real shop host as its own process on a free loopback port; its payment provider is the given stand-in, or, like
/// its recommendations, a refusing port.
/// </summary>
internal sealed partial class ShopHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataPath;
    private readonly ConcurrentQueue<string> _lines = new();

    private ShopHostProcess(Process process, string dataPath)
    {
        _process = process;
        _dataPath = dataPath;
    }

    /// <summary>
    /// Settings that lift the shop's per-client rate limits. Drills through the edge send thousands of requests from
    /// one address in seconds; the shop's own limiter is not what they test, and a CI run answered 208 of 12,017 of
    /// the Undo drill's customers 429. Every tier is lifted: the drills' customers send the Development key
    /// <c>drill-load</c>, which is the <c>internal</c> tier (2,000/s), and on a quiet machine the Undo drill's eight
    /// workers went past that (582 of 11,189 answered 429 in a CI run while only the first two tiers were lifted).
    /// </summary>
    public static readonly string[] NoPerClientLimits =
    [
        "--Bulwark:RateLimiting:Tiers:anonymous:PermitLimit=100000000",
        "--Bulwark:RateLimiting:Tiers:authenticated:PermitLimit=100000000",
        "--Bulwark:RateLimiting:Tiers:partner:PermitLimit=100000000",
        "--Bulwark:RateLimiting:Tiers:internal:PermitLimit=100000000",
    ];

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The shop's process id (the cell drill kills it).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The shop's data folder (its SQLite file is <c>shop.db</c> in it).</summary>
    public string DataPath => _dataPath;

    public static Task<ShopHostProcess> StartAsync(Uri? paymentProvider = null, params string[] settings) =>
        StartAsync(paymentProvider, new Dictionary<string, string>(), settings);

    /// <summary>Starts the shop with extra environment variables (e.g. <see cref="HealthCheckRemoval"/>'s).</summary>
    public static async Task<ShopHostProcess> StartAsync(Uri? paymentProvider, IReadOnlyDictionary<string, string> environment, params string[] settings)
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "bulwark-edge-shop-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        string[] arguments =
        [
            ShopDll(), "--urls=http://127.0.0.1:0", "--environment=Development", $"--Shop:Data:Path={dataPath}",
            "--Shop:Externals:Launch=false", $"--Shop:Externals:PaymentProviderUrl={paymentProvider?.ToString().TrimEnd('/') ?? $"http://127.0.0.1:{FreePort.Refusing}"}",
            $"--Shop:Externals:RecommendationsUrl=http://127.0.0.1:{FreePort.Refusing}",
            .. settings,
        ];
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var shop = new ShopHostProcess(Process.Start(start)!, dataPath);
        shop._process.OutputDataReceived += (_, e) => { if (e.Data is not null) shop._lines.Enqueue(e.Data); };
        shop._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) shop._lines.Enqueue(e.Data); };
        shop._process.BeginOutputReadLine();
        shop._process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90) && !shop._process.HasExited)
        {
            if (shop._lines.FirstOrDefault(l => l.Contains("Shop ready at", StringComparison.Ordinal)) is { } ready)
            {
                shop.BaseAddress = new Uri(ReadyUrl().Match(ready).Value);
                return shop;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        await shop.DisposeAsync();
        Assert.Fail($"The shop did not start:\n{string.Join('\n', shop._lines.TakeLast(30))}");
        return shop;
    }

    /// <summary>
    /// Reads products until the shop answers warm: a release goes to a slot that has started and served, and the first
    /// requests of a cold shop (JIT, caches, SQLite) take seconds on a busy two-core machine.
    /// </summary>
    public async Task WarmUpAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        // The shop's Development drill key: its own rate-limit tier, not the 60 a minute of an anonymous address.
        client.DefaultRequestHeaders.Add("X-Api-Key", "drill-load");
        for (var i = 0; i < 20; i++)
        {
            foreach (var path in new[] { "/api/products/1", "/api/products?page=1&pageSize=5" })
            {
                using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
                Assert.True(response.IsSuccessStatusCode, $"{BaseAddress}{path}: {(int)response.StatusCode}");
            }
        }
    }

    // The shop's own build output: this test's output folder also holds the edge's appsettings.json, which a shop
    // started from here would read instead of its own.
    internal static string ShopDll()
    {
        var here = new DirectoryInfo(Path.GetDirectoryName(typeof(ShopApp).Assembly.Location)!);
        var own = Path.Combine(here.Parent!.Parent!.FullName, "Shop.Host", here.Name, "Shop.Host.dll");
        Assert.True(File.Exists(own), $"Build shop/Shop.Host first: {own} is missing.");
        return own;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:[0-9]+")]
    private static partial Regex ReadyUrl();
}
