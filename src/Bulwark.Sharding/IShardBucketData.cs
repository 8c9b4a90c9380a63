namespace Bulwark.Sharding;

/// <summary>
/// One kind of data a bucket move carries (an event store's streams, a module's rows), keyed as the shard's write guard
/// registered it. Copies must be idempotent: a move interrupted and run again copies the same rows twice.
/// </summary>
public interface IShardBucketData
{
    /// <summary>
    /// Copies the rows of <paramref name="keys"/> that committed on <paramref name="source"/> after
    /// <paramref name="afterWatermark"/> and no later than <paramref name="throughWatermark"/>.
    /// </summary>
    /// <param name="source">The shard the bucket is leaving.</param>
    /// <param name="target">The shard it moves to.</param>
    /// <param name="keys">The bucket's keys on the source.</param>
    /// <param name="afterWatermark">The watermark the previous round reached (0 first).</param>
    /// <param name="throughWatermark">The source's watermark read before <paramref name="keys"/> (<see cref="WatermarkAsync"/>).</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <returns>How many rows were copied.</returns>
    Task<int> CopyAsync(Shard source, Shard target, IReadOnlyList<string> keys, long afterWatermark, long throughWatermark, CancellationToken cancellationToken);

    /// <summary>
    /// The source's commit watermark now: every row committed later has a higher one (an event store's head position,
    /// which follows commit order).
    /// </summary>
    /// <param name="source">The shard.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The watermark.</returns>
    Task<long> WatermarkAsync(Shard source, CancellationToken cancellationToken);

    /// <summary>Deletes the rows of <paramref name="keys"/> from a shard the bucket has left.</summary>
    /// <param name="source">The shard.</param>
    /// <param name="keys">The keys.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>How many rows were deleted.</returns>
    Task<int> DeleteAsync(Shard source, IReadOnlyList<string> keys, CancellationToken cancellationToken);
}

/// <summary>What a bucket move did.</summary>
/// <param name="Bucket">The bucket.</param>
/// <param name="From">The shard it left.</param>
/// <param name="To">The shard it moved to.</param>
/// <param name="MapVersion">The map version that gave it to <paramref name="To"/>.</param>
/// <param name="RowsCopied">Rows copied in all rounds.</param>
/// <param name="CatchUpRounds">Rounds before the fence (the first copy included).</param>
/// <param name="RowsDeleted">Rows deleted from <paramref name="From"/> after the flip.</param>
/// <param name="Duration">From the first copy to the source's cleanup.</param>
/// <param name="Fenced">How long writes to the bucket waited.</param>
public sealed record BucketMoveResult(int Bucket, string From, string To, long MapVersion, long RowsCopied, int CatchUpRounds, long RowsDeleted, TimeSpan Duration, TimeSpan Fenced);
