using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Bulwark.Testing;

namespace Shop.Host.Tests;

/// <summary>The built shop host started as its own process, its stdout captured line by line.</summary>
internal sealed partial class ShopProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly string _dataPath;

    private ShopProcess(Process process, string dataPath)
    {
        _process = process;
        _dataPath = dataPath;
    }

    public HttpClient Client { get; private set; } = null!;

    /// <summary>A name a test gives the instance (a fleet's <c>shop-fleet-N</c>).</summary>
    public string? Name { get; set; }

    /// <summary>The instance's data folder (its SQLite file is <c>shop.db</c> there).</summary>
    public string DataPath => _dataPath;

    /// <summary>Every line the process wrote so far.</summary>
    public IEnumerable<string> Lines => _lines;

    public static async Task<ShopProcess> StartAsync(bool launchExternals, int paymentPort = 0, int recommendationsPort = 0, params string[] extraArgs)
    {
        var dll = typeof(ShopApp).Assembly.Location;
        var dataPath = Path.Combine(Path.GetTempPath(), "bulwark-shop-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(dll);
        // Port 0: the shop binds a free port itself and names it in its ready line, so nothing can take it in between.
        start.ArgumentList.Add("--urls=http://127.0.0.1:0");
        start.ArgumentList.Add("--environment=Development");
        start.ArgumentList.Add("--Shop:Identity:PasswordHasher:IterationCount=1000");
        foreach (var argument in await ShopTestData.ArgsAsync(dataPath))
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add($"--Shop:Externals:Launch={launchExternals}");
        if (launchExternals)
        {
            start.ArgumentList.Add($"--Shop:Externals:PaymentProviderUrl=http://127.0.0.1:{paymentPort}");
            start.ArgumentList.Add($"--Shop:Externals:RecommendationsUrl=http://127.0.0.1:{recommendationsPort}");
            // Within the 120 s this waits for the ready line: on a loaded CI machine the stand-ins' own start took over 30 s.
            start.ArgumentList.Add("--Shop:Externals:LaunchTimeout=00:01:30");
        }
        else
        {
            // Not the shipped 5101/5102, which anything else on the machine may serve.
            start.ArgumentList.Add($"--Shop:Externals:PaymentProviderUrl=http://127.0.0.1:{FreePort.Refusing}");
            start.ArgumentList.Add($"--Shop:Externals:RecommendationsUrl=http://127.0.0.1:{FreePort.Refusing}");
        }

        foreach (var argument in extraArgs)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var shop = new ShopProcess(process, dataPath);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) shop._lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) shop._lines.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var ready = await shop.WaitForLineAsync(l => l.Contains("Shop ready at", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
        var url = ReadyUrl().Match(ready);
        Assert.True(url.Success, $"The ready line names no address: {ready}");
        shop.Client = new HttpClient { BaseAddress = new Uri(url.Value) };
        return shop;
    }

    /// <summary>Waits, bounded, for a stdout line; the host writes asynchronously so a line may trail its response.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < (timeout ?? TimeSpan.FromSeconds(10)))
        {
            var line = _lines.FirstOrDefault(match);
            if (line is not null)
            {
                return line;
            }

            if (_process.HasExited)
            {
                break;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"No matching line on the shop's stdout (exited: {_process.HasExited}). Output:\n{string.Join('\n', _lines.TakeLast(40))}");
        return string.Empty;
    }

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Ends the process at once, as a crash or an OOM kill would: no shutdown hooks, no lease released.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (!_process.HasExited)
        {
            // SIGTERM-like graceful stop is what an orchestrator sends; Kill is the fallback.
            _process.Kill(entireProcessTree: false);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
        await ShopTestData.ForgetAsync(_dataPath);
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
