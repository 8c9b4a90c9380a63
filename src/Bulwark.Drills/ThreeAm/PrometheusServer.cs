using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.ThreeAm;

/// <summary>A firing or pending alert as Prometheus reports it.</summary>
/// <param name="Name">The alert's name.</param>
/// <param name="Severity">Its severity label.</param>
/// <param name="State"><c>firing</c> or <c>pending</c>.</param>
public sealed record ActiveAlert(string Name, string? Severity, string State);

/// <summary>
/// A real Prometheus server the drill starts on a free loopback port with a rendered configuration and its own
/// storage folder, and stops again (its process only, by id). Nothing of it outlives the drill.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;
    private readonly HttpClient _client;
    private readonly List<string> _log = [];

    private PrometheusServer(Process process, string folder, Uri url)
    {
        _process = process;
        _folder = folder;
        Url = url;
        _client = LoopbackHttp.CreateClient(url, TimeSpan.FromSeconds(5));
    }

    public Uri Url { get; }

    /// <summary>Starts Prometheus scraping <paramref name="targets"/> (job name → host:port) with <paramref name="rulesYaml"/>.</summary>
    /// <exception cref="DrillSkippedException">The binary is not installed.</exception>
    public static async Task<PrometheusServer> StartAsync(string binary, IReadOnlyDictionary<string, string> targets, string rulesYaml, TimeSpan interval, TimeProvider time, CancellationToken cancellationToken)
    {
        var executable = Resolve(binary) ?? throw new DrillSkippedException($"needs the Prometheus server binary '{binary}' (Debian: apt-get install prometheus; set ThreeAm's PrometheusPath).");
        var folder = Directory.CreateTempSubdirectory("bulwark-3am-").FullName;
        var seconds = string.Create(CultureInfo.InvariantCulture, $"{(long)interval.TotalMilliseconds}ms");
        await File.WriteAllTextAsync(Path.Combine(folder, "alerts.yml"), rulesYaml, cancellationToken).ConfigureAwait(false);
        var scrapes = string.Concat(targets.Select(t => $"  - job_name: {t.Key}\n    metrics_path: /metrics\n    static_configs:\n      - targets: [\"{t.Value}\"]\n"));
        await File.WriteAllTextAsync(
            Path.Combine(folder, "prometheus.yml"),
            $"global:\n  scrape_interval: {seconds}\n  scrape_timeout: {seconds}\n  evaluation_interval: {seconds}\nrule_files:\n  - alerts.yml\nscrape_configs:\n{scrapes}",
            cancellationToken).ConfigureAwait(false);

        var port = FreeLoopbackPort();
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var arg in new[]
        {
            "--config.file=" + Path.Combine(folder, "prometheus.yml"),
            "--storage.tsdb.path=" + Path.Combine(folder, "data"),
            string.Create(CultureInfo.InvariantCulture, $"--web.listen-address=127.0.0.1:{port}"),
            "--log.level=warn",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new DrillPreconditionException($"{executable} did not start.");
        var server = new PrometheusServer(process, folder, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/")));
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            await server.WaitReadyAsync(time, cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The alerts firing or pending now.</summary>
    public async Task<IReadOnlyList<ActiveAlert>> AlertsAsync(CancellationToken cancellationToken)
    {
        var answer = await _client.GetFromJsonAsync<JsonElement>("api/v1/alerts", cancellationToken).ConfigureAwait(false);
        return [.. answer.GetProperty("data").GetProperty("alerts").EnumerateArray().Select(a =>
        {
            var labels = a.GetProperty("labels");
            return new ActiveAlert(
                labels.GetProperty("alertname").GetString()!,
                labels.TryGetProperty("severity", out var s) ? s.GetString() : null,
                a.GetProperty("state").GetString()!);
        })];
    }

    /// <summary>Whether every scrape target is up.</summary>
    public async Task<bool> TargetsUpAsync(CancellationToken cancellationToken) => (await TargetProblemsAsync(cancellationToken).ConfigureAwait(false)) is [];

    /// <summary>Each target whose last scrape failed, with Prometheus's error; an empty list when all are up.</summary>
    public async Task<IReadOnlyList<string>> TargetProblemsAsync(CancellationToken cancellationToken)
    {
        var answer = await _client.GetFromJsonAsync<JsonElement>("api/v1/targets", cancellationToken).ConfigureAwait(false);
        var active = answer.GetProperty("data").GetProperty("activeTargets").EnumerateArray().ToList();
        return active.Count == 0
            ? ["no scrape target yet"]
            : [.. active.Where(t => t.GetProperty("health").GetString() != "up")
                .Select(t => $"{t.GetProperty("labels").GetProperty("job").GetString()}: {t.GetProperty("health").GetString()} ({t.GetProperty("lastError").GetString()})")];
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the temp folder is cleaned by the system.
        }
    }

    private static string? Resolve(string binary)
    {
        if (binary.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return File.Exists(binary) ? Path.GetFullPath(binary) : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, binary))
            .FirstOrDefault(File.Exists);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Keep(string? line)
    {
        lock (_log)
        {
            // The last lines only: enough to say why it did not start.
            if (line is not null && _log.Count < 200)
            {
                _log.Add(line.Length > 500 ? line[..500] : line);
            }
        }
    }

    private async Task WaitReadyAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (time.GetElapsedTime(started) < TimeSpan.FromSeconds(30))
        {
            if (_process.HasExited)
            {
                break;
            }

            try
            {
                using var response = await _client.GetAsync("-/ready", cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken).ConfigureAwait(false);
        }

        string log;
        lock (_log)
        {
            log = string.Join(" | ", _log.TakeLast(5));
        }

        throw new DrillPreconditionException($"Prometheus did not become ready within 30 s: {log}");
    }
}
