using BenchmarkDotNet.Attributes;
using Bulwark.Caching.CacheAside;
using Bulwark.Redis.Caching;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;

namespace Bulwark.Caching.Benchmarks;

/// <summary>
/// One product read, sequential: straight from SQLite (the shop's read model shape), from the in-memory level, and
/// from Redis (L2, memory skipped), plus a cold-key herd of 100 callers.
/// </summary>
[MemoryDiagnoser]
public class CacheAsideBenchmarks
{
    private static readonly string Redis = Environment.GetEnvironmentVariable("BULWARK_TEST_REDIS") ?? "127.0.0.1:6379";
    private readonly string _prefix = "bulwark-bench-" + Guid.NewGuid().ToString("N");
    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), $"bulwark-bench-{Guid.NewGuid():N}.db");
    private ServiceProvider _memoryOnly = null!;
    private ServiceProvider _withRedis = null!;
    private IFusionCache _l1 = null!;
    private IFusionCache _l2 = null!;
    private FusionCacheEntryOptions _skipMemory = null!;
    private SqliteConnection _connection = null!;
    private int _herdRound;

    [GlobalSetup]
    public void Setup()
    {
        _connection = new SqliteConnection($"Data Source={_dbPath}");
        _connection.Open();
        using (var create = _connection.CreateCommand())
        {
            create.CommandText = """
                CREATE TABLE product (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price_cents INTEGER NOT NULL);
                INSERT INTO product VALUES (7, 'Lamp', 1299);
                """;
            create.ExecuteNonQuery();
        }

        _memoryOnly = Build(null);
        _withRedis = Build(Redis);
        _l1 = _memoryOnly.GetRequiredService<IFusionCache>();
        _l2 = _withRedis.GetRequiredService<IFusionCache>();
        _skipMemory = _l2.CreateEntryOptions(o => o.SkipMemoryCacheRead = true);
        _l1.GetOrSet<long>("product:7", _ => LoadAsync(CancellationToken.None).GetAwaiter().GetResult());
        // Written to Redis before the measurement starts (L2 writes are otherwise in the background).
        _l2.GetOrSet<long>("product:7", _ => LoadAsync(CancellationToken.None).GetAwaiter().GetResult(), _l2.CreateEntryOptions(o => o.AllowBackgroundDistributedCacheOperations = false));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _memoryOnly.Dispose();
        _withRedis.Dispose();
        _connection.Dispose();
        SqliteConnection.ClearAllPools();
        File.Delete(_dbPath);
        using var redis = ConnectionMultiplexer.Connect(Redis);
        foreach (var key in redis.GetServers()[0].Keys(pattern: "*" + _prefix + "*"))
        {
            redis.GetDatabase().KeyDelete(key);
        }
    }

    [Benchmark(Baseline = true)]
    public Task<long> Sqlite() => LoadAsync(CancellationToken.None);

    [Benchmark]
    public ValueTask<long> MemoryHit() => _l1.GetOrSetAsync<long>("product:7", (_, ct) => LoadAsync(ct));

    [Benchmark]
    public ValueTask<long> RedisHit() => _l2.GetOrSetAsync<long>("product:7", (_, ct) => LoadAsync(ct), _skipMemory);

    // 100 callers on a new key whose load takes 1 ms: the herd costs one load plus the waiting.
    [Benchmark(OperationsPerInvoke = 100)]
    public async Task ColdKeyHerdOf100()
    {
        var key = $"herd:{Interlocked.Increment(ref _herdRound)}";
        await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => _l1.GetOrSetAsync<long>(key, async (_, ct) =>
        {
            await Task.Delay(1, ct);
            return 1L;
        }).AsTask()));
    }

    private async Task<long> LoadAsync(CancellationToken cancellationToken)
    {
        await using var query = _connection.CreateCommand();
        query.CommandText = "SELECT price_cents FROM product WHERE id = 7;";
        return (long)(await query.ExecuteScalarAsync(cancellationToken))!;
    }

    private ServiceProvider Build(string? redis)
    {
        var services = new ServiceCollection();
        var caching = services.AddBulwarkCaching(configure: o => o.KeyPrefix = _prefix);
        if (redis is not null)
        {
            caching.WithBulwarkRedis(redis);
        }

        return services.BuildServiceProvider();
    }
}
