using Bulwark.Testing;
using System.Collections.Concurrent;
using System.Net;
using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;

namespace Bulwark.Resilience.Tests.DependencyInjection;

/// <summary>A named Bulwark pipeline on an IHttpClientFactory client, against a real Kestrel downstream.</summary>
public sealed class HttpResilienceHandlerTests : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, int> _hits = new();
    private readonly ConcurrentBag<string?> _deadlines = [];
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _downstream;
    private ServiceProvider? _services;

    public async ValueTask InitializeAsync()
    {
        (_downstream, var address) = await LoopbackKestrel.StartAsync(
            _ => { },
            app =>
            {
                app.Use(async (context, next) =>
                {
                    _hits.AddOrUpdate(context.Request.Path.Value!, 1, (_, n) => n + 1);
                    _deadlines.Add(context.Request.Headers["X-Deadline"]);
                    await next(context);
                });
                app.MapGet("/flaky", () => _hits["/flaky"] <= 2 ? Results.StatusCode(503) : Results.Ok("ok"));
                app.MapGet("/missing", () => Results.NotFound());
                app.MapGet("/down", () => Results.StatusCode(500));
                app.MapGet("/hold", async () => { await _release.Task; return Results.Ok(); });
            });

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bulwark:Resilience:Pipelines:provider:CircuitBreaker"] = "provider",
            ["Bulwark:Resilience:Pipelines:provider:Bulkhead"] = "provider",
            ["Bulwark:Resilience:Pipelines:provider:Retry:MaxRetryAttempts"] = "3",
            ["Bulwark:Resilience:Pipelines:provider:Retry:BaseDelay"] = "00:00:00.001",
            ["Bulwark:Resilience:Pipelines:provider:Retry:MaxDelay"] = "00:00:00.005",
            ["Bulwark:Resilience:CircuitBreakers:provider:FailureThreshold"] = "6",
            ["Bulwark:Resilience:Bulkheads:provider:MaxConcurrency"] = "1",
        }).Build();
        var services = new ServiceCollection();
        services.AddBulwarkResilience(configuration);
        services.AddHttpClient("provider", c => c.BaseAddress = address).AddBulwarkResilienceHandler("provider");
        _services = services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_downstream is not null)
        {
            await _downstream.DisposeAsync();
        }
    }

    private HttpClient Client => _services!.GetRequiredService<IHttpClientFactory>().CreateClient("provider");

    [Fact]
    public async Task Transient503_IsRetriedUntilSuccess_EachAttemptCarriesADeadline()
    {
        using var response = await Client.GetAsync(new Uri("/flaky", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, _hits["/flaky"]);
        Assert.All(_deadlines, d => Assert.False(string.IsNullOrEmpty(d)));
    }

    [Fact]
    public async Task NotFound_IsNotRetried()
    {
        using var response = await Client.GetAsync(new Uri("/missing", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(1, _hits["/missing"]);
    }

    [Fact]
    public async Task Persistent5xx_OpensTheBreaker_ThenCallsAreRefusedWithoutReachingTheServer()
    {
        using (var first = await Client.GetAsync(new Uri("/down", UriKind.Relative), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode); // 4 attempts
        }

        // Attempts 5 and 6 reach the server and open the breaker; the retry is then refused, not sent.
        await Assert.ThrowsAnyAsync<BrokenCircuitException>(() => Client.GetAsync(new Uri("/down", UriKind.Relative), TestContext.Current.CancellationToken));
        var hits = _hits["/down"];
        Assert.Equal(6, hits);
        await Assert.ThrowsAnyAsync<BrokenCircuitException>(() => Client.GetAsync(new Uri("/down", UriKind.Relative), TestContext.Current.CancellationToken));
        Assert.Equal(hits, _hits["/down"]);
    }

    [Fact]
    public async Task FullBulkhead_RefusesTheSecondConcurrentCall()
    {
        var held = Client.GetAsync(new Uri("/hold", UriKind.Relative), TestContext.Current.CancellationToken);
        while (!_hits.ContainsKey("/hold"))
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        var refused = await Assert.ThrowsAsync<BulkheadRejectedException>(() => Client.GetAsync(new Uri("/hold", UriKind.Relative), TestContext.Current.CancellationToken));
        Assert.Equal("provider", refused.Compartment);
        _release.SetResult();
        using var ok = await held;
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }
}
