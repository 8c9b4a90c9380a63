using Bulwark.Testing;
using Npgsql;
using RabbitMQ.Client;
using StackExchange.Redis;

namespace Shop.Host.Tests.Fleet;

/// <summary>
/// Several shop processes on one PostgreSQL database, one Redis and one RabbitMQ exchange, as a fleet runs in
/// production (docs/shop.md, "Running as a fleet"): each instance is its own process on its own loopback port, and
/// its database sessions carry its name (<c>shop-fleet-N</c>), so a test can see in <c>pg_locks</c> which instance
/// holds what. Everything the fleet creates carries a per-fleet suffix and is removed at the end.
/// </summary>
internal sealed class ShopFleet : IAsyncDisposable
{
    /// <summary>An API key whose rate-limit tier admits exactly <see cref="MeteredLimit"/> requests per hour.</summary>
    public const string MeteredKey = "fleet-metered";

    public const int MeteredLimit = 30;

    // The projection-lease advisory-lock space of SqlProjectionLease (0x0B170017).
    private const long LeaseLockSpace = 0x0B17_0017;

    private static readonly string[] ModuleQueues = ["notifications", "rewards", "analytics", "returns", "wallet"];

    private readonly List<ShopProcess> _instances = [];
    private readonly List<string> _names = [];
    private readonly string _suffix;
    private readonly string _connectionString;

    private ShopFleet(string suffix, string database, string connectionString, StandIns standIns)
    {
        _suffix = suffix;
        Database = database;
        _connectionString = connectionString;
        StandIns = standIns;
    }

    /// <summary>The fleet's PostgreSQL database.</summary>
    public string Database { get; }

    /// <summary>The payment and recommendation stand-ins every instance calls.</summary>
    public StandIns StandIns { get; }

    /// <summary>The topic exchange the instances publish on.</summary>
    public string Exchange => "shop-fleet-" + _suffix;

    /// <summary>The instances still running, in start order.</summary>
    public IReadOnlyList<ShopProcess> Alive => [.. _instances.Where(i => !i.HasExited)];

    /// <summary>Every instance ever started, in start order (index = the N of <c>shop-fleet-N</c>).</summary>
    public IReadOnlyList<ShopProcess> Instances => _instances;

    public static async Task<ShopFleet> StartAsync(int count, params string[] extraArgs)
    {
        await RealServers.RequireAsync(RealServer.Postgres);
        await RealServers.RequireAsync(RealServer.Redis);
        await RealServers.RequireAsync(RealServer.RabbitMq);
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var database = "shop_fleet_" + suffix;
        var connectionString = await PostgresScratch.CreateAsync(database);
        // The module queues are named after the modules, not the fleet: whatever an earlier run left must not deliver here.
        await DeleteQueuesAsync(null);
        var fleet = new ShopFleet(suffix, database, connectionString, await StandIns.StartAsync());
        try
        {
            await Task.WhenAll(Enumerable.Range(0, count).Select(_ => fleet.AddInstanceAsync(extraArgs)));
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }

        return fleet;
    }

    /// <summary>Starts one more instance into the fleet (its settings, then <paramref name="extraArgs"/>).</summary>
    public async Task<ShopProcess> AddInstanceAsync(params string[] extraArgs)
    {
        var name = NextName();
        var instance = await ShopProcess.StartAsync(false, 0, 0, [.. Args(name), .. extraArgs]);
        instance.Name = name;
        lock (_instances)
        {
            _instances.Add(instance);
            _instances.Sort((a, b) => _names.IndexOf(a.Name!).CompareTo(_names.IndexOf(b.Name!)));
        }

        return instance;
    }

    /// <summary>A name for the next instance: <c>shop-fleet-N</c>, also its database sessions' application name.</summary>
    public string NextName()
    {
        lock (_names)
        {
            var name = "shop-fleet-" + _names.Count;
            _names.Add(name);
            return name;
        }
    }

    /// <summary>The settings every instance of this fleet runs with (an in-process shop may join with them too).</summary>
    public string[] Args(string name) =>
    [
        "--Shop:Data:Provider=Postgres",
        $"--Shop:Data:ConnectionString={new NpgsqlConnectionStringBuilder(_connectionString) { ApplicationName = name }}",
        "--Shop:Messaging:Transport=RabbitMq",
        $"--Shop:Messaging:RabbitMq:ConnectionUri={RealServers.RabbitMqUri}",
        $"--Shop:Messaging:RabbitMq:Exchange={Exchange}",
        $"--Shop:Messaging:RabbitMq:DeadLetterQueue=shop-fleet-dlq-{_suffix}",
        $"--Shop:Messaging:RabbitMq:ClientName={name}",
        $"--Shop:Cache:Redis={RealServers.RedisConfiguration}",
        $"--Bulwark:Caching:KeyPrefix=shop-fleet-{_suffix}",
        $"--Shop:RateLimiting:Redis={RealServers.RedisConfiguration}",
        // Three shops and Redis on a loaded CI machine: an answer later than the default 250 ms would let each instance
        // fall back to its own limiter, and the fleet-wide count under test would not be the one measured.
        "--Shop:RateLimiting:RedisTimeout=00:00:02",
        $"--Shop:RateLimiting:KeyPrefix=shop-fleet-{_suffix}:rl:",
        // The fleet setting the saga test is about: an instance that joins leaves alone the sagas that changed within
        // StaleAfter, which live in another process. Minutes, not the shipped 30 s: a start on a loaded CI machine
        // takes a minute, and the test's sagas must still look alive when the joining instance sweeps.
        "--Bulwark:Sagas:Sweeper:StaleAfter=00:03:00",
        "--Bulwark:Sagas:Sweeper:StartupStaleAfter=00:03:00",
        $"--Bulwark:RateLimiting:ApiKeys:{MeteredKey}=fleet-metered",
        "--Bulwark:RateLimiting:Tiers:fleet-metered:Algorithm=TokenBucket",
        $"--Bulwark:RateLimiting:Tiers:fleet-metered:PermitLimit={MeteredLimit}",
        "--Bulwark:RateLimiting:Tiers:fleet-metered:Window=01:00:00",
        .. RunningShop.RoomyPaymentBudgets,
        .. StandIns.ShopArgs,
    ];

    /// <summary>The instance named <paramref name="name"/> (<c>shop-fleet-N</c>).</summary>
    public ShopProcess Named(string name) => _instances.Single(i => i.Name == name);

    /// <summary>
    /// Which instance holds each projection's writer lease right now, read from the server's lock table: the lock's
    /// key (the hash of the projection's name) → the <c>application_name</c> of every session holding it.
    /// </summary>
    public async Task<Dictionary<long, List<string>>> ProjectionWritersAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var query = new NpgsqlCommand(
            """
            SELECT l.objid::bigint, a.application_name
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.classid::bigint = @space AND l.objsubid = 2 AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = @db)
            """,
            connection);
        query.Parameters.AddWithValue("space", LeaseLockSpace);
        query.Parameters.AddWithValue("db", Database);
        var writers = new Dictionary<long, List<string>>();
        await using var reader = await query.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            var key = reader.GetInt64(0);
            if (!writers.TryGetValue(key, out var holders))
            {
                writers[key] = holders = [];
            }

            holders.Add(reader.GetString(1));
        }

        return writers;
    }

    /// <summary>Runs a scalar query on the fleet's database.</summary>
    public async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var query = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await query.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await StandIns.DisposeAsync();
        await PostgresScratch.DropAsync(Database);
        await DeleteQueuesAsync(_suffix);
        await DeleteRedisKeysAsync($"shop-fleet-{_suffix}*");
    }

    private static async Task DeleteQueuesAsync(string? suffix)
    {
        var factory = new ConnectionFactory { Uri = RealServers.RabbitMqUri };
        await using var connection = await factory.CreateConnectionAsync(CancellationToken.None);
        var queues = suffix is null ? ModuleQueues : [.. ModuleQueues, $"shop-fleet-dlq-{suffix}"];
        foreach (var queue in queues)
        {
            await using var channel = await connection.CreateChannelAsync(cancellationToken: CancellationToken.None);
            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: CancellationToken.None);
        }

        if (suffix is not null)
        {
            await using var channel = await connection.CreateChannelAsync(cancellationToken: CancellationToken.None);
            await channel.ExchangeDeleteAsync("shop-fleet-" + suffix, ifUnused: false, cancellationToken: CancellationToken.None);
        }
    }

    private static async Task DeleteRedisKeysAsync(string pattern)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RealServers.RedisConfiguration);
        var server = redis.GetServers()[0];
        var database = redis.GetDatabase();
        await foreach (var key in server.KeysAsync(pattern: pattern))
        {
            await database.KeyDeleteAsync(key);
        }
    }
}
