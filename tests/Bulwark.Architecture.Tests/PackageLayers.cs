namespace Bulwark.Architecture.Tests;

/// <summary>What a <c>src/Bulwark.*</c> package is; the layer decides what it may reference (docs/adr/0004-dependency-direction.md).</summary>
public enum Layer
{
    /// <summary>A building block: no ASP.NET Core, no infrastructure client; references only other cores.</summary>
    Core,

    /// <summary>Joins two cores (e.g. outbox → bus) so neither depends on the other; same bans as a core.</summary>
    Bridge,

    /// <summary>The HTTP and telemetry edge of the cores (ASP.NET Core allowed; may build on another surface); no infrastructure client.</summary>
    Surface,

    /// <summary>One infrastructure's adapters of core ports (its client allowed); no ASP.NET Core, no other adapter.</summary>
    Adapter,

    /// <summary>Command-line tools and drills; no library references them.</summary>
    Tool,
}

/// <summary>The data behind the rules: every package's layer and the references nothing below the edge may take.</summary>
public static class PackageLayers
{
    /// <summary>Every library under <c>src/</c>. A new package must be added here, or the classification test fails.</summary>
    public static readonly IReadOnlyDictionary<string, Layer> Of = new Dictionary<string, Layer>
    {
        ["Bulwark.Resilience"] = Layer.Core,
        ["Bulwark.Messaging"] = Layer.Core,
        ["Bulwark.Outbox"] = Layer.Core,
        ["Bulwark.Idempotency"] = Layer.Core,
        ["Bulwark.EventSourcing"] = Layer.Core,
        ["Bulwark.Sagas"] = Layer.Core,
        ["Bulwark.Caching"] = Layer.Core,
        // The driver-free data layer (DbDataSource + dialect + migrator) the cores' SQL stores are written on.
        ["Bulwark.Data"] = Layer.Core,
        // The shard map and the bucket move, on the data layer alone (docs/sharding.md).
        ["Bulwark.Sharding"] = Layer.Core,
        // Module-owned datasets built from a core's events (Parquet is a file format, not an infrastructure client).
        ["Bulwark.DataProducts"] = Layer.Core,
        ["Bulwark.Outbox.Messaging"] = Layer.Bridge,
        // Event streams spread over shards: joins sharding and event sourcing so neither depends on the other.
        ["Bulwark.Sharding.EventSourcing"] = Layer.Bridge,
        ["Bulwark.AspNetCore"] = Layer.Surface,
        ["Bulwark.Observability"] = Layer.Surface,
        ["Bulwark.ControlRoom"] = Layer.Surface,
        // The YARP edge: a host-side surface built on Bulwark.AspNetCore's limits and problems.
        ["Bulwark.Edge"] = Layer.Surface,
        // The YARP sidecar: resilience pipelines in front of a service in any language, on AspNetCore's deadlines.
        ["Bulwark.Sidecar"] = Layer.Surface,
        ["Bulwark.Sqlite"] = Layer.Adapter,
        ["Bulwark.Sqlite.Messaging"] = Layer.Adapter,
        ["Bulwark.Postgres"] = Layer.Adapter,
        ["Bulwark.Postgres.Outbox"] = Layer.Adapter,
        ["Bulwark.Redis"] = Layer.Adapter,
        ["Bulwark.RabbitMQ"] = Layer.Adapter,
        ["Bulwark.AzureBlob"] = Layer.Adapter,
        ["Bulwark.Drills"] = Layer.Tool,
        ["Bulwark.Cli"] = Layer.Tool,
        // The shop's typed HTTP client, generated from its OpenAPI document; the drills and the CLI call the shop through it.
        ["Bulwark.ShopClient"] = Layer.Tool,
    };

    /// <summary>
    /// Infrastructure clients a surface may still take, each with its reason. The edge keeps its cell table (customer →
    /// cell placements) in an embedded SQLite file of its own, beside it on disk: no server, nothing shared with the
    /// services behind it. Moving that table behind a port with an adapter package is the fix that empties this list.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> SurfaceClientExceptions = new Dictionary<string, string[]>
    {
        ["Bulwark.Edge"] = ["Microsoft.Data.Sqlite"],
    };

    /// <summary>The layers each layer may reference. Reading down the table is the direction of every edge.</summary>
    public static readonly IReadOnlyDictionary<Layer, Layer[]> MayReference = new Dictionary<Layer, Layer[]>
    {
        [Layer.Core] = [Layer.Core],
        [Layer.Bridge] = [Layer.Core],
        // A surface may build on another surface (the edge on AspNetCore's limits); MSBuild keeps that acyclic.
        [Layer.Surface] = [Layer.Core, Layer.Bridge, Layer.Surface],
        [Layer.Adapter] = [Layer.Core, Layer.Bridge],
        [Layer.Tool] = [Layer.Tool, Layer.Core, Layer.Bridge, Layer.Surface, Layer.Adapter],
    };

    /// <summary>
    /// The Bulwark packages each adapter may reference, as a ceiling. The SQL store adapters take only the data layer:
    /// every core registers its own SQL store through <c>ISqlStoreBuilder</c>, so one <c>UseSqlite</c>/<c>UsePostgres</c>
    /// serves them all (docs/adr/0005-adapter-packages.md). A piece that implements a core's own port beyond stores
    /// (the SQLite transport, PostgreSQL's log-tailing relay) is a <c>Bulwark.{Infrastructure}.{Core}</c> package.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> AdapterCeilings = new Dictionary<string, string[]>
    {
        ["Bulwark.Sqlite"] = ["Bulwark.Data"],
        ["Bulwark.Sqlite.Messaging"] = ["Bulwark.Sqlite", "Bulwark.Messaging"],
        ["Bulwark.Postgres"] = ["Bulwark.Data"],
        ["Bulwark.Postgres.Outbox"] = ["Bulwark.Postgres", "Bulwark.Outbox"],
        ["Bulwark.Redis"] = ["Bulwark.Caching", "Bulwark.Idempotency", "Bulwark.Resilience"],
        ["Bulwark.RabbitMQ"] = ["Bulwark.Messaging"],
        ["Bulwark.AzureBlob"] = ["Bulwark.Messaging"],
    };

    /// <summary>The adapters that hold one database's stores for every core (each core's SQL store on its dialect).</summary>
    public static readonly string[] SqlStoreAdapters = ["Bulwark.Sqlite", "Bulwark.Postgres"];

    /// <summary>The cores with a SQL store, and the cores besides the data layer each one needs of its own accord.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> SqlStoreCores = new Dictionary<string, string[]>
    {
        ["Bulwark.Outbox"] = [],
        ["Bulwark.Idempotency"] = [],
        ["Bulwark.EventSourcing"] = [],
        // Step retries are Bulwark's retry.
        ["Bulwark.Sagas"] = ["Bulwark.Resilience"],
    };

    /// <summary>
    /// Whether <paramref name="adapter"/> may reference <paramref name="target"/>, another adapter: only its own
    /// infrastructure's store package (<c>Bulwark.Sqlite.Messaging</c> → <c>Bulwark.Sqlite</c>), never another database's.
    /// </summary>
    public static bool IsOwnInfrastructure(string adapter, string target) =>
        Of.TryGetValue(target, out var layer) && layer == Layer.Adapter && adapter.StartsWith(target + ".", StringComparison.Ordinal);

    /// <summary>Package ids (prefixes) that are ASP.NET Core or an infrastructure client.</summary>
    public static readonly string[] AspNetCorePackages = ["Microsoft.AspNetCore."];

    /// <summary>Infrastructure clients: databases, brokers, caches, cloud storage.</summary>
    public static readonly string[] InfrastructureClients =
    [
        "Npgsql",
        "Microsoft.Data.Sqlite",
        "SQLitePCLRaw.",
        "StackExchange.Redis",
        "Microsoft.Extensions.Caching.StackExchangeRedis",
        "RabbitMQ.Client",
        "Azure.",
    ];

    /// <summary>The shared framework a core must not need.</summary>
    public const string AspNetCoreFramework = "Microsoft.AspNetCore.App";

    /// <summary>Whether <paramref name="id"/> (a package id or an assembly name) is banned below the edge.</summary>
    public static bool IsBannedInCore(string id) =>
        AspNetCorePackages.Concat(InfrastructureClients).Any(p => Matches(id, p));

    /// <summary>Whether <paramref name="id"/> is ASP.NET Core.</summary>
    public static bool IsAspNetCore(string id) => AspNetCorePackages.Any(p => Matches(id, p));

    /// <summary>Whether <paramref name="id"/> is an infrastructure client.</summary>
    public static bool IsInfrastructureClient(string id) => InfrastructureClients.Any(p => Matches(id, p));

    private static bool Matches(string id, string pattern) =>
        pattern.EndsWith('.')
            ? id.StartsWith(pattern, StringComparison.OrdinalIgnoreCase)
            : string.Equals(id, pattern, StringComparison.OrdinalIgnoreCase) || id.StartsWith(pattern + ".", StringComparison.OrdinalIgnoreCase);
}
