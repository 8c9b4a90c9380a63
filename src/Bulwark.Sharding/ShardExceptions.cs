namespace Bulwark.Sharding;

/// <summary>
/// A shard refused a key whose bucket it does not own (any more): the route was made with a map older than the bucket's
/// last move. Nothing was written; refresh the map and route again (<see cref="ShardRouter"/> callers do).
/// </summary>
public sealed class ShardBucketMovedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="shard">The shard that refused.</param>
    /// <param name="bucket">The bucket.</param>
    public ShardBucketMovedException(string shard, int bucket)
        : base($"Shard '{shard}' does not own bucket {bucket}: the route used an older shard map. Refresh the map and route again.")
    {
        Shard = shard;
        Bucket = bucket;
    }

    /// <summary>Creates the exception.</summary>
    public ShardBucketMovedException()
        : this(string.Empty, -1)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public ShardBucketMovedException(string message)
        : base(message)
    {
        Shard = string.Empty;
        Bucket = -1;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ShardBucketMovedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Shard = string.Empty;
        Bucket = -1;
    }

    /// <summary>The shard that refused.</summary>
    public string Shard { get; }

    /// <summary>The bucket.</summary>
    public int Bucket { get; }
}

/// <summary>
/// The key's bucket is fenced: a move is copying its last rows and flipping the map. Nothing was written; the write can
/// be tried again in a moment (an HTTP caller answers 503 with <c>Retry-After</c>).
/// </summary>
public sealed class ShardBucketFencedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="shard">The shard holding the fence.</param>
    /// <param name="bucket">The bucket.</param>
    public ShardBucketFencedException(string shard, int bucket)
        : base($"Bucket {bucket} on shard '{shard}' is fenced for a move; nothing was written. Try again in a moment.")
    {
        Shard = shard;
        Bucket = bucket;
    }

    /// <summary>Creates the exception.</summary>
    public ShardBucketFencedException()
        : this(string.Empty, -1)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public ShardBucketFencedException(string message)
        : base(message)
    {
        Shard = string.Empty;
        Bucket = -1;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ShardBucketFencedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Shard = string.Empty;
        Bucket = -1;
    }

    /// <summary>The shard holding the fence.</summary>
    public string Shard { get; }

    /// <summary>The bucket.</summary>
    public int Bucket { get; }
}

/// <summary>The catalog's map changed between a move's read and its flip (another move ran); the flip was not written.</summary>
public sealed class ShardMapConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="expectedVersion">The version the caller read.</param>
    public ShardMapConflictException(long expectedVersion)
        : base($"The shard map is no longer at version {expectedVersion}: another change was written first. Read the map again.")
    {
        ExpectedVersion = expectedVersion;
    }

    /// <summary>Creates the exception.</summary>
    public ShardMapConflictException()
        : this(0)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public ShardMapConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ShardMapConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The version the caller read.</summary>
    public long ExpectedVersion { get; }
}
