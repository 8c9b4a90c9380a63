using Bulwark.Testing;
using System.Net;
using Bulwark.AspNetCore.Resilience;
using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.Deadlines;
using Bulwark.Resilience.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.AspNetCore.Tests.Resilience;

/// <summary>Refusals at the HTTP edge over real Kestrel: endpoint bulkheads and the exception handler.</summary>
public sealed class ResilienceEdgeTests : IAsyncLifetime
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HttpClient _client = new();
    private WebApplication? _app;
    private Uri _address = null!;
    private int _reportsRunning;

    public async ValueTask InitializeAsync()
    {
        (_app, _address) = await LoopbackKestrel.StartAsync(
            b =>
            {
                b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Bulwark:Resilience:Bulkheads:reporting:MaxConcurrency"] = "2",
                    ["Bulwark:Resilience:Bulkheads:reporting:RetryAfter"] = "00:00:07",
                    ["Bulwark:Resilience:Bulkheads:catalog:MaxConcurrency"] = "16",
                });
                b.Services.AddBulwarkResilience(b.Configuration);
                b.Services.AddExceptionHandler<ResilienceExceptionHandler>();
                b.Services.AddProblemDetails();
            },
            app =>
            {
                app.UseExceptionHandler();
                app.MapGet("/reports", async () => { Interlocked.Increment(ref _reportsRunning); await _release.Task; return "report"; }).WithBulkhead("reporting");
                app.MapGet("/products", () => "kettle").WithBulkhead("catalog");
                app.MapGet("/throws-bulkhead", string () => throw new BulkheadRejectedException("payments", TimeSpan.FromSeconds(3)));
                app.MapGet("/throws-deadline", string () => throw new DeadlineExceededException(new Deadline(DateTimeOffset.UnixEpoch), "provider"));
                app.MapGet("/throws-timeout", string () => throw new Polly.Timeout.TimeoutRejectedException(TimeSpan.FromSeconds(10)));
            });
    }

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        _client.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task ReportingSaturated_ReportsGet503WithRetryAfter_CatalogStillAnswers()
    {
        var running = Enumerable.Range(0, 2).Select(_ => _client.GetAsync(new Uri(_address, "/reports"), TestContext.Current.CancellationToken)).ToArray();
        while (Volatile.Read(ref _reportsRunning) < 2)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        using (var refused = await _client.GetAsync(new Uri(_address, "/reports"), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(7), refused.Headers.RetryAfter?.Delta);
            Assert.Contains("https://bulwark.dev/problems/bulkhead-full", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        var catalog = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _client.GetAsync(new Uri(_address, "/products"), TestContext.Current.CancellationToken)));
        Assert.All(catalog, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(2, Volatile.Read(ref _reportsRunning));

        _release.SetResult();
        foreach (var response in await Task.WhenAll(running))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        foreach (var response in catalog)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task BulkheadRejectedException_Becomes503WithRetryAfter()
    {
        using var response = await _client.GetAsync(new Uri(_address, "/throws-bulkhead"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task DeadlineExceededException_Becomes504()
    {
        using var response = await _client.GetAsync(new Uri(_address, "/throws-deadline"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("https://bulwark.dev/problems/deadline-exceeded", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    // Issue 16 (found by the contract tests): a pipeline's own timeout reached the edge as a 500 with no Retry advice.
    [Fact]
    public async Task PipelineTimeoutReachesTheEdge_Answers504ProblemNot500()
    {
        using var response = await _client.GetAsync(new Uri(_address, "/throws-timeout"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("https://bulwark.dev/problems/timeout", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
