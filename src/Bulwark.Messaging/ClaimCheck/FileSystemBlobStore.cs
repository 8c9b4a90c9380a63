using System.Runtime.CompilerServices;

namespace Bulwark.Messaging.ClaimCheck;

/// <summary>
/// The embedded blob store: one file per blob under a root folder; the creation time is the file's
/// last-write time, stamped from the <see cref="TimeProvider"/> so TTL sweeps are testable.
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    private readonly string _root;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the store.</summary>
    /// <param name="options">Where the files live.</param>
    /// <param name="timeProvider">The clock stamping creation times.</param>
    public FileSystemBlobStore(FileSystemBlobStoreOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _root = Path.GetFullPath(options.RootPath);
        _timeProvider = timeProvider;
        Directory.CreateDirectory(_root);
    }

    /// <inheritdoc/>
    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // Write to a temporary name and rename, so a reader never sees half a blob.
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        File.SetLastWriteTimeUtc(temp, _timeProvider.GetUtcNow().UtcDateTime);
        File.Move(temp, path, overwrite: true);
    }

    /// <inheritdoc/>
    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<BlobInfo> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (var file in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (file.Contains(".tmp-", StringComparison.Ordinal))
            {
                continue;
            }

            var info = new FileInfo(file);
            var key = Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/');
            yield return new BlobInfo(key, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero), info.Length);
        }
    }

    private string PathOf(string key) => Path.Combine(_root, BlobKey.Validate(key).Replace('/', Path.DirectorySeparatorChar));
}
