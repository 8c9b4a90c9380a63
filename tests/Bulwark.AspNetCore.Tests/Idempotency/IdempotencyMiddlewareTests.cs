using Bulwark.Sqlite;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.AspNetCore.Idempotency;
using Bulwark.Idempotency;
using Bulwark.Redis.Idempotency;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Tests.Idempotency;

/// <summary>The middleware over real HTTP (Kestrel on loopback) with the embedded SQLite store.</summary>
public sealed class IdempotencyMiddlewareTests : IAsyncDisposable
{
    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), $"bulwark-idem-{Guid.NewGuid():N}.db");
    private readonly List<WebApplication> _apps = [];
    private int _executions;
    private int _arrivals;
    private int _expectedArrivals;
    private TaskCompletionSource _release = CompletedGate();
    private TaskCompletionSource _allArrived = CompletedGate();
    private readonly TaskCompletionSource _executing = NewGate();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Post_NoKey_Returns400ProblemAndSkipsHandler()
    {
        using var client = await StartAsync();

        using var response = await client.PostAsJsonAsync("/orders", new { sku = "A" }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(IdempotencyProblems.KeyMissing, await ProblemTypeAsync(response));
        Assert.Equal(0, _executions);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("tab\there")]
    public async Task Post_MalformedKey_Returns400(string key)
    {
        using var client = await StartAsync();

        using var response = await PostAsync(client, key, new { sku = "A" }, rawKey: true);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(IdempotencyProblems.KeyMalformed, await ProblemTypeAsync(response));
        Assert.Equal(0, _executions);
    }

    [Fact]
    public async Task Post_KeyLongerThanLimit_Returns400()
    {
        using var client = await StartAsync();

        using var response = await PostAsync(client, new string('k', 256), new { sku = "A" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Post_RetryWithSameKey_ReplaysStoredResponseWithoutRunningHandler()
    {
        using var client = await StartAsync();

        using var first = await PostAsync(client, "order-1", new { sku = "A" });
        using var retry = await PostAsync(client, "order-1", new { sku = "A" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await retry.Content.ReadAsStringAsync(Ct));
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal("true", retry.Headers.GetValues(IdempotencyMiddleware.ReplayedHeader).Single());
        Assert.False(first.Headers.Contains(IdempotencyMiddleware.ReplayedHeader));
        Assert.Equal(1, _executions);
    }

    [Fact]
    public async Task Post_SameKeyDifferentBody_Returns422()
    {
        using var client = await StartAsync();

        using var first = await PostAsync(client, "order-1", new { sku = "A" });
        using var other = await PostAsync(client, "order-1", new { sku = "B" });

        Assert.Equal((HttpStatusCode)422, other.StatusCode);
        Assert.Equal(IdempotencyProblems.KeyReused, await ProblemTypeAsync(other));
        Assert.Equal(1, _executions);
    }

    [Fact]
    public async Task Post_WithFingerprintKey_StoresAKeyedFingerprintAndStillReplaysAndRefusesOtherBodies()
    {
        const string Secret = "a-fingerprint-secret-of-32-chars-or-more";
        using var client = await StartAsync(o => o.FingerprintKey = Secret);

        using var first = await PostAsync(client, "order-1", new { sku = "Ada Lovelace" });
        using var retry = await PostAsync(client, "order-1", new { sku = "Ada Lovelace" });
        using var other = await PostAsync(client, "order-1", new { sku = "Grace Hopper" });
        var stored = await StoredFingerprintAsync();

        Assert.Equal("true", retry.Headers.GetValues(IdempotencyMiddleware.ReplayedHeader).Single());
        Assert.Equal((HttpStatusCode)422, other.StatusCode);
        Assert.Equal(1, _executions);
        // Someone holding the store and guessing the body cannot confirm the guess without the secret.
        var canonical = System.Text.Encoding.UTF8.GetBytes("POST\n/orders\n\n" + JsonSerializer.Serialize(new { sku = "Ada Lovelace" }));
        Assert.NotEqual(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(canonical)), stored);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Secret), canonical)), stored);
    }

    [Fact]
    public async Task Options_ShortFingerprintKey_FailsAtStart()
    {
        await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(o => o.FingerprintKey = "too-short"));
    }

    [Fact]
    public async Task Post_SameKeyOtherCaller_RunsSeparately()
    {
        using var client = await StartAsync();

        using var alice = await PostAsync(client, "order-1", new { sku = "A" }, apiKey: "alice");
        using var bob = await PostAsync(client, "order-1", new { sku = "A" }, apiKey: "bob");

        Assert.False(bob.Headers.Contains(IdempotencyMiddleware.ReplayedHeader));
        Assert.NotEqual(await alice.Content.ReadAsStringAsync(Ct), await bob.Content.ReadAsStringAsync(Ct));
        Assert.Equal(2, _executions);
    }

    [Fact]
    public async Task Post_DuplicateWhileFirstInFlightPastWait_Returns409ThenReplays()
    {
        using var client = await StartAsync(o => o.ConcurrentWait = TimeSpan.Zero);
        _release = NewGate();

        var first = PostAsync(client, "order-1", new { sku = "A" });
        await _executing.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct);
        using var duplicate = await PostAsync(client, "order-1", new { sku = "A" });
        _release.SetResult();
        using var firstResponse = await first;
        using var replay = await PostAsync(client, "order-1", new { sku = "A" });

        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(IdempotencyProblems.RequestInFlight, await ProblemTypeAsync(duplicate));
        Assert.True(duplicate.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.Created, firstResponse.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues(IdempotencyMiddleware.ReplayedHeader).Single());
        Assert.Equal(1, _executions);
    }

    [Fact]
    public async Task Post_HandlerFailsWith5xx_KeyReleasedAndRetryRunsHandler()
    {
        using var client = await StartAsync();

        using var failed = await PostAsync(client, "order-1", new { sku = "fail" });
        using var retry = await PostAsync(client, "order-1", new { sku = "fail" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.False(retry.Headers.Contains(IdempotencyMiddleware.ReplayedHeader));
        Assert.Equal(2, _executions);
    }

    [Fact]
    public async Task Post_HandlerAnswers4xx_NoRecordKeptAndRetryRunsHandlerAgain()
    {
        using var client = await StartAsync();

        for (var i = 0; i < 20; i++)
        {
            using var rejected = await PostAsync(client, $"rejected-{i}", new { sku = "invalid" });
            Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
        }

        using var retry = await PostAsync(client, "rejected-0", new { sku = "invalid" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, retry.StatusCode);
        Assert.False(retry.Headers.Contains(IdempotencyMiddleware.ReplayedHeader));
        Assert.Equal(21, _executions);
        Assert.Equal(0, await StoredRowsAsync());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("redis")]
    public async Task Post_NewKeyOverPerCallerCap_Returns429NamingTheCapWithRetryAfterTheFirstExpiry_AndHeldKeysStillReplay(string storeKind)
    {
        Action<IIdempotencyBuilder>? useStore = null;
        if (storeKind == "redis")
        {
            await RealServers.RequireAsync(RealServer.Redis);
            var prefix = $"bulwark-test:{Guid.NewGuid():N}:";
            useStore = b => b.UseRedis(RealServers.RedisConfiguration, prefix);
        }

        using var client = await StartAsync(o => o.MaxLiveKeysPerCaller = 3, useStore);
        for (var i = 0; i < 3; i++)
        {
            using var accepted = await PostAsync(client, $"held-{i}", new { sku = "A" });
            Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        }

        using var over = await PostAsync(client, "one-too-many", new { sku = "A" });
        using var replay = await PostAsync(client, "held-0", new { sku = "A" });
        using var otherCaller = await PostAsync(client, "held-0", new { sku = "A" }, apiKey: "another-client");

        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.Equal(IdempotencyProblems.CallerKeyLimit, await ProblemTypeAsync(over));
        Assert.Contains("MaxLiveKeysPerCaller", await over.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        // Issue 13: when the caller gets room, i.e. when the first held key expires (kept for Expiry, 24 h).
        Assert.InRange(over.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromHours(24) - TimeSpan.FromMinutes(5), TimeSpan.FromHours(24));
        Assert.Equal("true", replay.Headers.GetValues(IdempotencyMiddleware.ReplayedHeader).Single());
        Assert.Equal(HttpStatusCode.Created, otherCaller.StatusCode);
        Assert.Equal(4, _executions);
        if (storeKind == "sqlite")
        {
            Assert.Equal(4, await StoredRowsAsync());
        }
    }

    [Fact]
    public async Task Post_ManyParallelNewKeysOverTheCap_NeverMoreKeptThanTheCap()
    {
        const int cap = 10;
        using var client = await StartAsync(o => o.MaxLiveKeysPerCaller = cap);

        for (var round = 0; round < 5; round++)
        {
            var statuses = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
            {
                using var response = await PostAsync(client, $"round-{round}-{i}", new { sku = "A" });
                return response.StatusCode;
            }));

            Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Created or HttpStatusCode.TooManyRequests, $"unexpected {s}"));
            Assert.InRange(await StoredRowsAsync(), 1, cap);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_BodyOverTheFingerprintLimit_Returns413ProblemEveryTime(bool chunked)
    {
        // 20,000 bytes is crossed inside the second 16 KiB read: the read the buffering stream used to refuse with a 500.
        using var client = await StartAsync(o => o.MaxBodyBytes = 20_000);
        var body = System.Text.Encoding.UTF8.GetBytes("{\"sku\":\"" + new string('x', 30_000) + "\"}");

        for (var round = 0; round < 20; round++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/orders")
            {
                Content = chunked ? new StreamContent(new UnseekableStream(body)) : new ByteArrayContent(body),
            };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            request.Headers.Add("Idempotency-Key", $"big-{round}");
            request.Headers.ExpectContinue = true;
            using var response = await client.SendAsync(request, Ct);

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal(IdempotencyProblems.BodyTooLarge, await ProblemTypeAsync(response));
        }

        Assert.Equal(0, _executions);
    }

    [Fact]
    public async Task Requests_GetOrUnmarkedEndpoint_PassThroughWithoutKey()
    {
        using var client = await StartAsync();

        using var get = await client.GetAsync("/orders", Ct);
        using var unmarked = await client.PostAsJsonAsync("/free", new { sku = "A" }, Ct);

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unmarked.StatusCode);
    }

    [Fact]
    public async Task Post_TwentyParallelIdenticalRequests_HandlerRunsOnceAndAllGetSameResponse()
    {
        using var client = await StartAsync();
        for (var round = 0; round < 10; round++)
        {
            _executions = 0;
            _arrivals = 0;
            _expectedArrivals = 20;
            _release = CompletedGate();
            _allArrived = NewGate();
            var key = $"order-{round}";

            var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
            {
                using var response = await PostAsync(client, key, new { sku = "A" });
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(Ct));
            }, Ct)));

            Assert.Equal(1, _executions);
            Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
            Assert.Single(responses.Select(r => r.Body).Distinct());
        }
    }

    [Fact]
    public async Task Post_TwentyParallelAcrossTwoInstancesSharingRedis_HandlerRunsOnce()
    {
        await RealServers.RequireAsync(RealServer.Redis);
        var prefix = $"bulwark-test:{Guid.NewGuid():N}:";
        using var first = await StartAsync(useStore: b => b.UseRedis(RealServers.RedisConfiguration, prefix));
        using var second = await StartAsync(useStore: b => b.UseRedis(RealServers.RedisConfiguration, prefix));
        for (var round = 0; round < 5; round++)
        {
            _executions = 0;
            _arrivals = 0;
            _expectedArrivals = 20;
            _allArrived = NewGate();
            var key = $"order-{round}";

            var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
            {
                using var response = await PostAsync(i % 2 == 0 ? first : second, key, new { sku = "A" });
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(Ct));
            }, Ct)));

            Assert.Equal(1, _executions);
            Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
            Assert.Single(responses.Select(r => r.Body).Distinct());
        }

        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(RealServers.RedisConfiguration);
        await foreach (var stored in redis.GetServers()[0].KeysAsync(pattern: prefix + "*"))
        {
            await redis.GetDatabase().KeyDeleteAsync(stored);
        }
    }

    [Fact]
    public async Task Start_ExpiryOutsideOneToFortyEightHours_FailsValidation()
    {
        await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(o => o.Expiry = TimeSpan.FromHours(72)));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _dbPath, _dbPath + "-wal", _dbPath + "-shm" })
        {
            File.Delete(file);
        }
    }

    private async Task<long> StoredRowsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_dbPath};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT COUNT(*) FROM bulwark_idempotency;";
        return (long)(await query.ExecuteScalarAsync(Ct))!;
    }

    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    private async Task<string> StoredFingerprintAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_dbPath};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT fingerprint FROM bulwark_idempotency;";
        return (string)(await query.ExecuteScalarAsync(Ct))!;
    }

    private async Task<HttpClient> StartAsync(Action<IdempotencyOptions>? configure = null, Action<IIdempotencyBuilder>? useStore = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var idempotency = builder.Services.AddBulwarkIdempotency(configure);
        if (useStore is null)
        {
            idempotency.UseSqlite($"Data Source={_dbPath};Default Timeout=60");
        }
        else
        {
            useStore(idempotency);
        }

        var app = builder.Build();
        _apps.Add(app);

        // Counts requests reaching the pipeline, so the handler can hold until every parallel duplicate has arrived.
        app.Use(async (context, next) =>
        {
            if (Interlocked.Increment(ref _arrivals) == _expectedArrivals)
            {
                _allArrived.TrySetResult();
            }

            await next(context);
        });
        app.UseBulwarkIdempotency();
        app.MapPost("/orders", async (HttpContext context, JsonElement body) =>
        {
            var execution = Interlocked.Increment(ref _executions);
            if (body.GetProperty("sku").GetString() == "fail")
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            if (body.GetProperty("sku").GetString() == "invalid")
            {
                return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, detail: "sku 'invalid' does not exist.");
            }

            _executing.TrySetResult();
            await _allArrived.Task.WaitAsync(TimeSpan.FromSeconds(15));
            await _release.Task.WaitAsync(TimeSpan.FromSeconds(15));
            var id = Guid.NewGuid();
            return Results.Created($"/orders/{id}", new { id, execution });
        }).RequireIdempotencyKey();
        app.MapGet("/orders", () => Results.Ok());
        app.MapPost("/free", () => Results.Ok());
        await app.StartAsync(Ct);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HttpClient { BaseAddress = new Uri(address) };
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string key, object body, string? apiKey = null, bool rawKey = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = JsonContent.Create(body) };
        if (rawKey)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }
        else
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        return await client.SendAsync(request, Ct);
    }

    private static async Task<string?> ProblemTypeAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return problem.RootElement.GetProperty("type").GetString();
    }

    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource();
        gate.SetResult();
        return gate;
    }
}
