using Bulwark.Postgres;
using Bulwark.Sharding.EventSourcing;
using Bulwark.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bulwark.Sharding.Tests;

/// <summary>
/// K shard databases and a catalog database on the one local PostgreSQL server, standing in for K+1 servers; dropped
/// afterwards. Skips locally (fails in CI) without a server.
/// </summary>
public sealed class ShardedPostgres : IAsyncDisposable
{
    private readonly string _prefix = $"bulwark_shard_{Guid.NewGuid():N}"[..28];
    private readonly List<string> _databases = [];
    private readonly List<NpgsqlDataSource> _dataSources = [];

    public SqlShardCatalog Catalog { get; private set; } = null!;

    public IReadOnlyList<Shard> Shards { get; private set; } = [];

    public ShardedEventStreams Streams { get; private set; } = null!;

    public ShardingMetrics Metrics { get; } = new(null);

    public static async Task<ShardedPostgres> CreateAsync(int shardCount)
    {
        var rig = new ShardedPostgres();
        try
        {
            var catalog = await rig.DatabaseAsync("catalog");
            rig.Catalog = new SqlShardCatalog(catalog, TimeProvider.System);
            var shards = new List<Shard>();
            for (var i = 0; i < shardCount; i++)
            {
                shards.Add(new Shard($"shard-{i}", await rig.DatabaseAsync($"s{i}"), TimeProvider.System));
            }

            rig.Shards = shards;
            rig.Streams = new ShardedEventStreams(shards, TimeProvider.System);
            await rig.Streams.MigrateAsync();
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    public ShardRouter Router(ShardingOptions options, TimeProvider? time = null) =>
        new(Catalog, Shards, Options.Create(options), time ?? TimeProvider.System, Metrics, NullLogger<ShardRouter>.Instance);

    public ShardBucketMover Mover(ShardRouter router, ShardingOptions options) =>
        new(Catalog, router, [new EventStreamBucketData(Streams.Stores)], Options.Create(options), TimeProvider.System, Metrics, NullLogger<ShardBucketMover>.Instance);

    public ShardedEventStore EventStore(ShardRouter router) => new(router, Streams.Stores);

    public async ValueTask DisposeAsync()
    {
        Streams?.Dispose();
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }

        foreach (var database in _databases)
        {
            await PostgresScratch.DropAsync(database);
        }
    }

    private async Task<Bulwark.Data.SqlDatabase> DatabaseAsync(string suffix)
    {
        var name = $"{_prefix}_{suffix}";
        var connectionString = await PostgresScratch.CreateAsync(name);
        _databases.Add(name);
        var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 30 }.ToString());
        _dataSources.Add(dataSource);
        return PostgresDatabase.Create(dataSource);
    }
}
