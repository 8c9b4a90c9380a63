using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.AspNetCore.DeadLetters;
using Bulwark.Messaging;
using Bulwark.Messaging.Diagnostics;
using Bulwark.Messaging.Serialization;
using Bulwark.Messaging.Subscriptions;
using Bulwark.Sqlite.Messaging;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Bulwark.AspNetCore.Tests.DeadLetters;

/// <summary>The HTTP admin API over a real embedded transport: list, inspect, redrive, purge, depth.</summary>
public sealed class DeadLetterEndpointsTests : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "bulwark-dlq-http-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;
    private volatile bool _fixed;
    private int _handled;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AdminApi_ListInspectRedrivePurge_WorksOverHttp()
    {
        using var client = await StartAsync();
        var bus = _app!.Services.GetRequiredService<IMessageBus>();
        using var depth = new MetricCollector<long>(_app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), MessagingMetrics.Name, MessagingMetrics.DeadLetterDepthInstrument);
        for (var i = 0; i < 3; i++)
        {
            await bus.SendAsync("returns", new Ping(i), cancellationToken: Ct);
        }

        var list = await PollAsync(client, 3);
        var first = list[0];
        Assert.Equal("returns", first.GetProperty("sourceQueue").GetString());
        Assert.Equal(1, first.GetProperty("attempts").GetInt32());
        depth.RecordObservableInstruments();
        Assert.Equal(3, depth.LastMeasurement!.Value);

        var id = first.GetProperty("id").GetString();
        var inspected = await client.GetFromJsonAsync<JsonElement>($"/admin/dlq/{id}", Ct);
        Assert.Contains("unreadable photo", inspected.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains(nameof(DeadLetterEndpointsTests), inspected.GetProperty("stackTrace").GetString(), StringComparison.Ordinal);
        // Three handlers fail concurrently, so the DLQ's order among them is not the send order.
        Assert.Matches("\"number\":[0-2]", inspected.GetProperty("body").GetString());

        var missing = await client.GetAsync("/admin/dlq/999999", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType!.MediaType);
        Assert.Equal("https://bulwark.dev/problems/dead-letter-not-found", (await missing.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("type").GetString());

        _fixed = true;
        var redriveOne = await client.PostAsync($"/admin/dlq/{id}/redrive", null, Ct);
        Assert.Equal(HttpStatusCode.OK, redriveOne.StatusCode);
        await Eventually.TrueAsync(() => Volatile.Read(ref _handled) == 1, "the redriven message to be handled");

        var purge = await client.DeleteAsync("/admin/dlq?queue=returns", Ct);
        Assert.Equal(2, (await purge.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("purged").GetInt32());
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/admin/dlq/depth", Ct)).GetProperty("depth").GetInt64());
        depth.RecordObservableInstruments();
        Assert.Equal(0, depth.LastMeasurement!.Value);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private async Task<HttpClient> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddBulwarkMessaging(o => o.Retry.MaxAttempts = 1)
            .AddMessageType<Ping>("ping.v1")
            .UseSqliteTransport(o =>
            {
                o.DatabasePath = Path.Combine(_folder, "m.db");
                o.PollInterval = TimeSpan.FromMilliseconds(20);
            })
            .AddSubscription("returns", s => s.Handle<Ping>((_, _, _) =>
            {
                if (!_fixed)
                {
                    throw new InvalidOperationException("unreadable photo");
                }

                Interlocked.Increment(ref _handled);
                return Task.CompletedTask;
            }));
        _app = builder.Build();
        _app.MapBulwarkDeadLetters("/admin/dlq");
        await _app.StartAsync(Ct);
        return _app.GetTestClient();
    }

    private static async Task<List<JsonElement>> PollAsync(HttpClient client, int expected)
    {
        List<JsonElement> list = [];
        await Eventually.TrueAsync(
            async () =>
            {
                list = (await client.GetFromJsonAsync<List<JsonElement>>("/admin/dlq", Ct))!;
                return list.Count == expected;
            },
            $"{expected} dead letters over HTTP");
        return list;
    }
}

public sealed record Ping(int Number);
