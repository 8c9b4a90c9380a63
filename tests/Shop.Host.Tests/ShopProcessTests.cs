using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Bulwark.Testing;

namespace Shop.Host.Tests;

/// <summary>
/// The shop as the README's run command starts it: its own process, stand-ins launched beside it, JSON logs on stdout.
/// </summary>
public sealed class ShopProcessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Process_RequestWithTraceparent_LogsLineCarryingThatTraceId()
    {
        // The per-request line is off by default (docs/observability.md); this is the switch an operator turns on.
        await using var shop = await ShopProcess.StartAsync(launchExternals: false, extraArgs: "--Logging:LogLevel:Microsoft.AspNetCore.HttpLogging=Information");
        const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        // A raw socket, so no HttpClient instrumentation in this test process can touch the traceparent we send.
        var statusLine = await RawGetAsync(shop.Client.BaseAddress!, "/api/products/1", $"traceparent: 00-{TraceId}-00f067aa0ba902b7-01");
        Assert.StartsWith("HTTP/1.1 200", statusLine, StringComparison.Ordinal);

        var line = await shop.WaitForLineAsync(l => l.Contains(TraceId, StringComparison.Ordinal));
        using var json = JsonDocument.Parse(line);
        Assert.Equal(TraceId, json.RootElement.GetProperty("trace_id").GetString());
        Assert.Equal(16, json.RootElement.GetProperty("span_id").GetString()!.Length);
        Assert.True(json.RootElement.TryGetProperty("timestamp", out _));
        Assert.True(json.RootElement.TryGetProperty("level", out _));
        Assert.True(json.RootElement.TryGetProperty("message", out _));
    }

    [Fact]
    public async Task Process_WithLaunchedStandIns_ServesProductAndStopsStandInsWithIt()
    {
        var paymentPort = FreePort.Next();
        var recommendationsPort = FreePort.Next();
        int standInsPid;
        await using (var shop = await ShopProcess.StartAsync(launchExternals: true, paymentPort, recommendationsPort))
        {
            using var product = await shop.Client.GetAsync("/api/products/1", Ct);
            Assert.Equal(HttpStatusCode.OK, product.StatusCode);

            using var standIn = new HttpClient();
            using var payment = await standIn.GetAsync(new Uri($"http://127.0.0.1:{paymentPort}/health/live"), Ct);
            using var recommendations = await standIn.GetAsync(new Uri($"http://127.0.0.1:{recommendationsPort}/recommendations/1"), Ct);
            Assert.Equal(HttpStatusCode.OK, payment.StatusCode);
            Assert.Equal(HttpStatusCode.OK, recommendations.StatusCode);
            var launched = await shop.WaitForLineAsync(l => l.Contains("Launched the stand-ins", StringComparison.Ordinal));
            standInsPid = JsonDocument.Parse(launched).RootElement.GetProperty("Pid").GetInt32();
        }

        // Stopping the shop stops the stand-ins: nothing is left holding their ports.
        var deadline = Stopwatch.StartNew();
        while (IsRunning(standInsPid) && deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(100, Ct);
        }

        Assert.False(IsRunning(standInsPid), "the stand-ins process outlived the shop");
    }

    private static async Task<string> RawGetAsync(Uri baseAddress, string path, string header)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port, Ct);
        await using var stream = tcp.GetStream();
        var request = $"GET {path} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\n{header}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request), Ct);
        using var reader = new StreamReader(stream);
        return await reader.ReadLineAsync(Ct) ?? string.Empty;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
