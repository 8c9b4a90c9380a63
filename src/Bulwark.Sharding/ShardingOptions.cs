using System.ComponentModel.DataAnnotations;

namespace Bulwark.Sharding;

/// <summary>How keys spread over shards and how a bucket move behaves. Bound from <c>Bulwark:Sharding</c>; see docs/sharding.md.</summary>
public sealed class ShardingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bulwark:Sharding";

    /// <summary>
    /// The number of virtual buckets keys hash into. Fixed for the life of a catalog (changing it would move almost every
    /// key); shards own whole buckets, so adding a shard moves a few buckets, never single keys. At most 65,536: an id
    /// carries its bucket in four hex digits (<see cref="ShardedIds"/>).
    /// </summary>
    /// <value>The default value is 1,024.</value>
    [Range(1, ShardedIds.MaxBuckets)]
    public int BucketCount { get; set; } = 1024;

    /// <summary>
    /// How old the cached map may get before a route first checks the catalog's version (one small query). A shard still
    /// refuses a write routed by an older map, so this bounds extra hops, not correctness.
    /// </summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MapCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a write waits for a fenced bucket (a move's last catch-up and flip) before it fails as retryable.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan FenceWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The pause between a fenced write's attempts.</summary>
    /// <value>The default value is 10 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan FenceRetryDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// A move fences its bucket once a catch-up round copies at most this many rows, so the fenced window holds only a
    /// small tail; lower means a shorter fence after more rounds.
    /// </summary>
    /// <value>The default value is 200.</value>
    [Range(0, 1_000_000)]
    public int FenceBelowTail { get; set; } = 200;

    /// <summary>Catch-up rounds before a move fences even though the tail is still longer than <see cref="FenceBelowTail"/>.</summary>
    /// <value>The default value is 8.</value>
    [Range(1, 100)]
    public int MaxCatchUpRounds { get; set; } = 8;
}
