using System.Globalization;

namespace Bulwark.Sharding;

/// <summary>
/// Ids that carry their bucket: 32 hex digits like a GUID's, the first four being the bucket. Whoever holds only the id
/// (a wallet id in a URL) routes it without asking a directory, and the bucket is fixed when the entity is created
/// from its owner's key (the customer), so all of an owner's entities share one bucket and one shard.
/// </summary>
public static class ShardedIds
{
    /// <summary>The most buckets an id can name (four hex digits).</summary>
    public const int MaxBuckets = 0x10000;

    /// <summary>A new random id in <paramref name="bucket"/>.</summary>
    /// <param name="bucket">The bucket, 0 to <see cref="MaxBuckets"/> - 1.</param>
    /// <returns>The id, 32 lower-case hex digits.</returns>
    public static string NewId(int bucket)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bucket);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(bucket, MaxBuckets);
        return string.Create(CultureInfo.InvariantCulture, $"{bucket:x4}{Guid.NewGuid().ToString("N")[4..]}");
    }

    /// <summary>Reads the bucket an id carries.</summary>
    /// <param name="id">An id made by <see cref="NewId"/>.</param>
    /// <param name="bucket">The bucket.</param>
    /// <returns><see langword="false"/> when <paramref name="id"/> does not start with four hex digits.</returns>
    public static bool TryReadBucket(ReadOnlySpan<char> id, out int bucket)
    {
        bucket = 0;
        return id.Length >= 4 && int.TryParse(id[..4], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bucket);
    }

    /// <summary>
    /// The bucket of an aggregate's stream id (<c>{Type}-{id}</c>, as <c>AggregateRepository</c> names streams), for
    /// a shard's write guard.
    /// </summary>
    /// <param name="streamId">The stream id.</param>
    /// <returns>The bucket.</returns>
    /// <exception cref="ArgumentException">The id after the first '-' does not carry a bucket.</exception>
    public static int BucketOfStream(string streamId)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        var id = streamId.AsSpan(streamId.IndexOf('-', StringComparison.Ordinal) + 1);
        return TryReadBucket(id, out var bucket)
            ? bucket
            : throw new ArgumentException($"Stream '{streamId}' names no bucket: a sharded aggregate's id is made by ShardedIds.NewId.", nameof(streamId));
    }
}
