using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Edge.Tests.Support;

/// <summary>
/// A shop build stand-in on real Kestrel: answers every path with its slot name, can fail a share of requests
/// (a bad build) and can fail its readiness (a build that must not pass the smoke gate).
/// </summary>
internal sealed class VersionedBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _requests;
    private long _served;
    private long _paymentsGood;
    private long _paymentsBad;

    private VersionedBackend(string name, WebApplication app, Uri baseAddress)
    {
        Name = name;
        _app = app;
        BaseAddress = baseAddress;
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    /// <summary>Every how-many-th request fails with 500 (0: none). Deterministic, so a test's error share is exact.</summary>
    public int FailEvery { get; set; }

    public bool Ready { get; set; } = true;

    /// <summary>How long each answer takes (a slow request still in flight during a switch).</summary>
    public TimeSpan Latency { get; set; }

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Sets the payment counters back to zero, as a restarted process's counters are.</summary>
    public void ResetPaymentCounters()
    {
        Interlocked.Exchange(ref _paymentsGood, 0);
        Interlocked.Exchange(ref _paymentsBad, 0);
    }

    /// <summary>
    /// Every how-many-th answered request counts as a failed payment in its <c>/metrics</c> (0: none), while still
    /// answering 200: a build whose HTTP looks healthy and whose business outcome is not. The rest count as succeeded.
    /// </summary>
    public int FailPaymentEvery { get; set; }

    public static async Task<VersionedBackend> StartAsync(string name)
    {
        VersionedBackend? backend = null;
        var (app, address) = await LoopbackKestrel.StartAsync(_ => { }, app =>
        {
            app.MapGet("/health/ready", () => backend!.Ready ? Results.Ok("ready") : Results.StatusCode(503));
            // The slot's own counters in the Prometheus text format, as the shop's /metrics serves them.
            app.MapGet("/metrics", () => Results.Text(
                $"# TYPE shop_payments_total counter\nshop_payments_total{{outcome=\"succeeded\"}} {Interlocked.Read(ref backend!._paymentsGood)}\nshop_payments_total{{outcome=\"failed\"}} {Interlocked.Read(ref backend._paymentsBad)}\n",
                "text/plain; version=0.0.4"));
            app.Map("/{**path}", async (HttpContext context) =>
            {
                var self = backend!;
                var n = Interlocked.Increment(ref self._requests);
                if (self.Latency > TimeSpan.Zero)
                {
                    await Task.Delay(self.Latency, TimeProvider.System, context.RequestAborted);
                }

                if (self.FailEvery > 0 && n % self.FailEvery == 0)
                {
                    return Results.Problem(statusCode: 500, title: "planted failure");
                }

                var served = Interlocked.Increment(ref self._served);
                Interlocked.Increment(ref self.FailPaymentEvery > 0 && served % self.FailPaymentEvery == 0 ? ref self._paymentsBad : ref self._paymentsGood);
                // What the edge told the backend about the request, for the deadline and forwarded-header tests.
                return Results.Ok(new
                {
                    slot = self.Name,
                    path = context.Request.Path.Value,
                    deadline = context.Request.Headers["X-Deadline"].ToString(),
                    forwardedFor = context.Request.Headers["X-Forwarded-For"].ToString(),
                    forwardedProto = context.Request.Headers["X-Forwarded-Proto"].ToString(),
                    forwardedHost = context.Request.Headers["X-Forwarded-Host"].ToString(),
                });
            });
        });
        backend = new VersionedBackend(name, app, address);
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
