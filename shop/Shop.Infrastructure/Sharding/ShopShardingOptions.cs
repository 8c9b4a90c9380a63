using System.ComponentModel.DataAnnotations;

namespace Shop.Infrastructure.Sharding;

/// <summary>
/// Where sharded modules keep their data (docs/sharding.md). Bound from <c>Shop:Sharding</c>; off unless
/// <see cref="Shards"/> lists at least one database, so the embedded default stays one SQLite file. Bucket count and
/// move timings are <c>Bulwark:Sharding</c> (<see cref="Bulwark.Sharding.ShardingOptions"/>).
/// </summary>
public sealed class ShopShardingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shop:Sharding";

    /// <summary>The shard databases (PostgreSQL), in the order the first map deals buckets to them.</summary>
    /// <value>The default value is empty: sharding off.</value>
    public IList<ShopShard> Shards { get; } = [];

    /// <summary>
    /// The Npgsql connection string of the catalog database holding the shard map; the shop database when not set (on
    /// SQLite too: the catalog is small and read once per map version).
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? CatalogConnectionString { get; set; }
}

/// <summary>One shard database.</summary>
public sealed class ShopShard
{
    /// <summary>The name the shard map uses; never rename a shard that holds data.</summary>
    /// <value>The default value is <c>shard-{index}</c>.</value>
    public string? Name { get; set; }

    /// <summary>The Npgsql connection string.</summary>
    /// <value>The default value is <see langword="null"/> (required).</value>
    [Required(AllowEmptyStrings = false)]
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Whether the first shard map leaves this shard empty: it takes buckets only by a move, e.g. a hot customer's
    /// bucket isolated there (the Hotspot drill's mitigation, docs/sharding.md).
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Spare { get; set; }
}
