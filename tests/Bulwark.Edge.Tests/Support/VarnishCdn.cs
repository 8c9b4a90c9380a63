using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using Bulwark.Testing;

namespace Bulwark.Edge.Tests.Support;

/// <summary>
/// The CDN stand-in: a real Varnish (Debian's <c>varnish</c>) on a loopback port, running deploy/cdn/shop.vcl in front
/// of an origin. Without varnishd the test skips on a laptop and fails in CI (<c>bash .ci/services.sh</c> installs it).
/// </summary>
internal sealed class VarnishCdn : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _workDir;
    private readonly ConcurrentQueue<string> _lines = new();

    private VarnishCdn(Process process, string workDir, Uri baseAddress)
    {
        _process = process;
        _workDir = workDir;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The varnishd binary; skips or fails the test when it is not installed.</summary>
    public static string Require()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin")
            .Select(dir => Path.Combine(dir, "varnishd"))
            .FirstOrDefault(File.Exists);
        if (found is null)
        {
            RealServers.Unavailable("Varnish", "varnishd is not installed; run `bash .ci/services.sh` (or apt-get install varnish)");
        }

        return found!;
    }

    /// <summary>Starts Varnish on <paramref name="port"/> in front of <paramref name="origin"/> with the shipped configuration.</summary>
    public static async Task<VarnishCdn> StartAsync(int port, Uri origin)
    {
        var varnishd = Require();
        var workDir = Path.Combine(Path.GetTempPath(), "bulwark-cdn-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workDir);
        var vcl = Path.Combine(workDir, "shop.vcl");
        var shipped = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "cdn", "shop.vcl"), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(vcl, shipped.Replace("@ORIGIN_HOST@", origin.Host, StringComparison.Ordinal).Replace("@ORIGIN_PORT@", origin.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), TestContext.Current.CancellationToken);
        var start = new ProcessStartInfo(varnishd)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-F", "-n", Path.Combine(workDir, "varnish"), "-a", $"127.0.0.1:{port}", "-f", vcl, "-s", "malloc,32m" })
        {
            start.ArgumentList.Add(argument);
        }

        var cdn = new VarnishCdn(Process.Start(start)!, workDir, new Uri($"http://127.0.0.1:{port}/"));
        cdn._process.OutputDataReceived += (_, e) => { if (e.Data is not null) cdn._lines.Enqueue(e.Data); };
        cdn._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) cdn._lines.Enqueue(e.Data); };
        cdn._process.BeginOutputReadLine();
        cdn._process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60) && !cdn._process.HasExited)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port, TestContext.Current.CancellationToken);
                return cdn;
            }
            catch (SocketException)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }

        await cdn.DisposeAsync();
        Assert.Fail($"Varnish did not listen on 127.0.0.1:{port}:\n{string.Join('\n', cdn._lines.TakeLast(30))}");
        return cdn;
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
            Directory.Delete(_workDir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
