using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Bulwark.AspNetCore.Idempotency;
using Bulwark.Idempotency;
using Bulwark.Sqlite;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Tests.Idempotency;

/// <summary>
/// Issue 13: the middleware recorded a handler's response with no bound, so with the database's pool saturated that
/// write waited up to the pool's own timeout (15 s), past the client's. Here the store stalls on every record the way a
/// saturated pool does: the answer must still go out within the bound, the risk logged and counted.
/// </summary>
public sealed class Issue13RecordBoundTests : IAsyncDisposable
{
    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), $"bulwark-idem13-{Guid.NewGuid():N}.db");
    private WebApplication? _app;
    private int _executions;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_dbPath);
    }

    [Fact]
    public async Task Post_RecordStalls_AnswersWithinTheGrace_LogsAndCountsTheUnrecordedKey()
    {
        using var client = await StartAsync(TimeSpan.FromMilliseconds(300));
        using var unrecorded = new MetricCollector<long>(_app!.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "Bulwark.Idempotency", "bulwark.idempotency.requests");

        var clock = Stopwatch.StartNew();
        using var response = await PostAsync(client, "order-1").WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        Assert.Contains(unrecorded.GetMeasurementSnapshot(), m => m.Tags["outcome"] is "unrecorded" && m.Value == 1);
        var line = Assert.Single(_app.Services.GetRequiredService<FakeLogCollector>().GetSnapshot(), l => l.Id.Id == 1505);
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Contains("order-1", line.Message, StringComparison.Ordinal);
        Assert.Contains("runs the handler again", line.Message, StringComparison.Ordinal);

        // The key stays in flight (until InFlightTimeout): a retry now is told to wait, never run a second time.
        using var retry = await PostAsync(client, "order-1").WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(HttpStatusCode.Conflict, retry.StatusCode);
        Assert.Equal(1, _executions);
    }

    [Fact]
    public async Task Options_RecordGraceOutOfRange_FailsAtStartNamingIt()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(TimeSpan.FromMinutes(5)));
        Assert.Contains(nameof(IdempotencyOptions.RecordGrace), error.Message, StringComparison.Ordinal);
    }

    private async Task<HttpClient> StartAsync(TimeSpan recordGrace)
    {
        var (app, address) = await LoopbackKestrel.StartAsync(
            b =>
            {
                b.Logging.AddFakeLogging();
                b.Services.AddMetrics();
                b.Services.AddBulwarkIdempotency(o =>
                {
                    o.RecordGrace = recordGrace;
                    o.ConcurrentWait = TimeSpan.Zero;
                }).UseSqlite($"Data Source={_dbPath}");
                b.Services.Replace(ServiceDescriptor.Singleton<IIdempotencyStore>(sp => new StallingRecordStore(sp.GetRequiredService<SqlIdempotencyStore>())));
            },
            app =>
            {
                app.UseBulwarkIdempotency();
                app.MapPost("/orders", () =>
                {
                    Interlocked.Increment(ref _executions);
                    return Results.Created("/orders/1", new { id = 1 });
                }).RequireIdempotencyKey();
            });
        _app = app;
        return new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = JsonContent.Create(new { sku = "A" }) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request, Ct);
    }

    /// <summary>Records wait for a connection that never comes (a saturated pool), until their token gives up.</summary>
    private sealed class StallingRecordStore(IIdempotencyStore inner) : IIdempotencyStore
    {
        public Task<IdempotencyBeginResult> TryBeginAsync(string key, string fingerprint, TimeSpan lockTimeout, CancellationToken cancellationToken) =>
            inner.TryBeginAsync(key, fingerprint, lockTimeout, cancellationToken);

        public async Task<bool> CompleteAsync(string key, Guid owner, IdempotentResponse response, TimeSpan retention, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return await inner.CompleteAsync(key, owner, response, retention, cancellationToken);
        }

        public Task<bool> ReleaseAsync(string key, Guid owner, CancellationToken cancellationToken) => inner.ReleaseAsync(key, owner, cancellationToken);

        public Task<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

        public Task<int> CountLiveAsync(string scope, CancellationToken cancellationToken) => inner.CountLiveAsync(scope, cancellationToken);

        public Task<DateTimeOffset?> OldestLiveExpiryAsync(string scope, CancellationToken cancellationToken) => inner.OldestLiveExpiryAsync(scope, cancellationToken);

        public Task<int> PurgeExpiredAsync(CancellationToken cancellationToken) => inner.PurgeExpiredAsync(cancellationToken);
    }
}
