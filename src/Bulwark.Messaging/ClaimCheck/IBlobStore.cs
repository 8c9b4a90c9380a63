namespace Bulwark.Messaging.ClaimCheck;

/// <summary>The blob-store port the claim check parks large payloads in (file system embedded, Azure Blob at scale).</summary>
public interface IBlobStore
{
    /// <summary>Stores (or overwrites) a blob, stamping its creation time for the TTL sweeper.</summary>
    /// <param name="key">The key: letters, digits, '-', '_', '.' and '/' only.</param>
    /// <param name="content">The bytes.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the blob is durable.</returns>
    Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>
    /// Stores (or overwrites) a blob from a stream without holding it in memory. If reading <paramref name="content"/>
    /// fails or is cancelled, nothing is stored and nothing is left behind (no partial or temporary blob).
    /// </summary>
    /// <param name="key">The key: letters, digits, '-', '_', '.' and '/' only.</param>
    /// <param name="content">The bytes, read to the end.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the blob is durable.</returns>
    Task PutAsync(string key, Stream content, CancellationToken cancellationToken);

    /// <summary>Opens a blob for reading without loading it into memory.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stream (the caller disposes it), or null when there is no such blob.</returns>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Reads a blob.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The bytes, or null when there is no such blob.</returns>
    Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes a blob; a missing blob is not an error.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when deleted.</returns>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Lists every blob with its creation time.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The blobs.</returns>
    IAsyncEnumerable<BlobInfo> ListAsync(CancellationToken cancellationToken);
}

/// <summary>A stored blob.</summary>
/// <param name="Key">The key.</param>
/// <param name="CreatedAt">When it was stored (from the writer's <see cref="TimeProvider"/>).</param>
/// <param name="Length">Its size in bytes.</param>
public sealed record BlobInfo(string Key, DateTimeOffset CreatedAt, long Length);
