using Bulwark.Data;

namespace Bulwark.Sharding;

/// <summary>One shard: a name, its database, and its record of the buckets it owns.</summary>
public sealed class Shard
{
    /// <summary>Creates the shard; does no I/O.</summary>
    /// <param name="name">The name the catalog uses (e.g. <c>shard-0</c>).</param>
    /// <param name="database">The shard's database.</param>
    /// <param name="timeProvider">The clock for its stores.</param>
    /// <param name="spare">
    /// Whether the first map leaves the shard empty: a spare takes buckets only by a move (a hot customer's bucket on a
    /// shard of its own, or the first buckets of a new shard).
    /// </param>
    public Shard(string name, SqlDatabase database, TimeProvider timeProvider, bool spare = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(database);
        Name = name;
        Database = database;
        Buckets = new SqlShardBuckets(name, database, timeProvider);
        Spare = spare;
    }

    /// <summary>Whether the first map leaves the shard empty (it takes buckets only by a move).</summary>
    public bool Spare { get; }

    /// <summary>The name the catalog uses.</summary>
    public string Name { get; }

    /// <summary>The shard's database.</summary>
    public SqlDatabase Database { get; }

    /// <summary>The buckets it owns and the keys written in them.</summary>
    public SqlShardBuckets Buckets { get; }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>Where a key goes: its bucket, the shard owning it, and the map version that said so.</summary>
/// <param name="Bucket">The key's bucket.</param>
/// <param name="Shard">The shard.</param>
/// <param name="MapVersion">The version of the map the route was made with.</param>
public readonly record struct ShardRoute(int Bucket, Shard Shard, long MapVersion);
