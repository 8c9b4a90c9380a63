using System.Diagnostics;
using System.Net;
using Bulwark.AspNetCore.Deadlines;
using Bulwark.AspNetCore.LoadShedding;
using Bulwark.Resilience.DependencyInjection;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Tests.LoadShedding;

/// <summary>Issue 13: load shedding in front of a scarce resource, over real Kestrel on loopback.</summary>
public sealed class LoadSheddingMiddlewareTests : IAsyncDisposable
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(30) };
    private WebApplication? _app;
    private int _running;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

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
    public async Task Post_CompartmentFull_Answers503BulkheadFullWithRetryAfter_WithoutRunningTheHandler()
    {
        var address = await StartAsync(new() { ["Bulwark:Resilience:Bulkheads:database:QueueLimit"] = "0" });
        var held = await HoldAsync(address, 2);

        using (var shed = await _client.PostAsync(new Uri(address, "/write"), null, Ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, shed.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(3), shed.Headers.RetryAfter?.Delta);
            Assert.Contains("https://bulwark.dev/problems/bulkhead-full", await shed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Assert.Equal(2, Volatile.Read(ref _running));
        await ReleaseAsync(held);
        using var after = await _client.PostAsync(new Uri(address, "/write"), null, Ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Post_QueueWaitWouldPassTheDeadline_Answers503BeforeTheDeadlineNot504()
    {
        // A 2 s deadline less a 1.5 s reserve: a queued request waits at most 0.5 s, though the queue wait allows 20 s.
        var address = await StartAsync(new()
        {
            ["Bulwark:Resilience:Bulkheads:database:QueueLimit"] = "4",
            ["Bulwark:LoadShedding:MaxQueueWait"] = "00:00:20",
            ["Bulwark:LoadShedding:DeadlineReserve"] = "00:00:01.500",
            ["Bulwark:Deadlines:DefaultBudget"] = "00:00:02",
        });
        var held = await HoldAsync(address, 2);

        var clock = Stopwatch.StartNew();
        using (var shed = await _client.PostAsync(new Uri(address, "/write"), null, Ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, shed.StatusCode);
            Assert.NotNull(shed.Headers.RetryAfter);
        }

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(1.9));
        await ReleaseAsync(held);
    }

    [Fact]
    public async Task Post_QueuedAndASlotFrees_RunsTheRequest()
    {
        var address = await StartAsync(new() { ["Bulwark:Resilience:Bulkheads:database:QueueLimit"] = "1" });
        var held = await HoldAsync(address, 2);

        var queued = _client.PostAsync(new Uri(address, "/write"), null, Ct);
        await Eventually.WaitAsync(() => Task.FromResult(_app!.Services.GetRequiredService<Bulwark.Resilience.Bulkhead.BulkheadRegistry>().Get("database").QueuedCount), q => q == 1, "the request queued");
        _release.SetResult();
        using var admitted = await queued;

        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        await ReleaseAsync(held);
    }

    [Fact]
    public async Task Post_SheddingDisabled_EveryRequestRuns()
    {
        var address = await StartAsync(new()
        {
            ["Bulwark:Resilience:Bulkheads:database:QueueLimit"] = "0",
            ["Bulwark:LoadShedding:Enabled"] = "false",
        });

        var held = await HoldAsync(address, 5);

        Assert.Equal(5, Volatile.Read(ref _running));
        await ReleaseAsync(held);
    }

    [Theory]
    [InlineData("Bulwark:LoadShedding:DeadlineReserve", "00:02:00", "DeadlineReserve")]
    [InlineData("Bulwark:LoadShedding:MaxQueueWait", "-00:00:01", "MaxQueueWait")]
    [InlineData("Bulwark:LoadShedding:Compartment", "", "Compartment")]
    public async Task Start_OptionOutOfRange_FailsNamingTheSetting(string key, string value, string setting)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new() { [key] = value }));
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    private async Task<Uri> StartAsync(Dictionary<string, string?> settings)
    {
        var (app, address) = await LoopbackKestrel.StartAsync(
            b =>
            {
                b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Bulwark:Resilience:Bulkheads:database:MaxConcurrency"] = "2",
                    ["Bulwark:Resilience:Bulkheads:database:RetryAfter"] = "00:00:03",
                });
                b.Configuration.AddInMemoryCollection(settings);
                b.Services.AddBulwarkResilience(b.Configuration);
                b.Services.AddBulwarkDeadlines(b.Configuration);
                b.Services.AddBulwarkLoadShedding(b.Configuration);
                b.Services.AddProblemDetails();
            },
            app =>
            {
                app.UseBulwarkDeadlines();
                app.UseBulwarkLoadShedding();
                app.MapPost("/write", async () =>
                {
                    Interlocked.Increment(ref _running);
                    await _release.Task.WaitAsync(TimeSpan.FromSeconds(20));
                    return "written";
                });
            });
        _app = app;
        return address;
    }

    // Starts `count` writes and waits until every one runs in the handler.
    private async Task<Task<HttpResponseMessage>[]> HoldAsync(Uri address, int count)
    {
        var running = Enumerable.Range(0, count).Select(_ => _client.PostAsync(new Uri(address, "/write"), null, Ct)).ToArray();
        await Eventually.WaitAsync(() => Task.FromResult(Volatile.Read(ref _running)), r => r == count, $"{count} writes running");
        return running;
    }

    private async Task ReleaseAsync(Task<HttpResponseMessage>[] held)
    {
        _release.TrySetResult();
        foreach (var response in await Task.WhenAll(held))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }
    }
}
