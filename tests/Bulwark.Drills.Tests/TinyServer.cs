using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Threading.RateLimiting;

namespace Bulwark.Drills.Tests;

/// <summary>A tiny Kestrel app on 127.0.0.1 with known latencies and statuses, for load and proxy tests.</summary>
internal sealed class TinyServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TinyServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int Port => BaseAddress.Port;

    public static async Task<TinyServer> StartAsync(TimeSpan? headersTimeout = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.RequestHeadersTimeout = headersTimeout ?? k.Limits.RequestHeadersTimeout);
        builder.Logging.ClearProviders();
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                return ValueTask.CompletedTask;
            };
            o.AddPolicy("per-key", http => RateLimitPartition.GetFixedWindowLimiter(
                http.Request.Headers["X-Api-Key"].ToString(),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 10, Window = TimeSpan.FromSeconds(1) }));
        });
        var app = builder.Build();
        app.UseRateLimiter();
        app.MapGet("/limited", () => "ok").RequireRateLimiting("per-key");
        app.MapGet("/ok", () => "ok");
        app.MapGet("/delay/{ms:int}", async (int ms, CancellationToken ct) =>
        {
            await Task.Delay(ms, ct);
            return "late";
        });
        app.MapGet("/status/{code:int}", (int code, HttpResponse response) =>
        {
            if (code == 429)
            {
                response.Headers.RetryAfter = "1";
            }

            return Results.StatusCode(code);
        });
        // A readiness probe that depends on a TCP endpoint, like a database check does.
        app.MapGet("/ready-via/{port:int}", async (int port, CancellationToken ct) =>
        {
            using var client = new System.Net.Sockets.TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromMilliseconds(500));
            try
            {
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port, timeout.Token);
                return Results.Ok();
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or OperationCanceledException)
            {
                return Results.StatusCode(503);
            }
        });
        app.MapGet("/bytes/{n:int}", (int n) => Results.Bytes(new byte[n], "application/octet-stream"));
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new TinyServer(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/"));
    }

    public static string Path(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
