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
        _root = Path.GetFullPath(options.RootPath);
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        Directory.CreateDirectory(_root);
    }

    /// <inheritdoc/>
    public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        WriteAsync(key, (stream, ct) => stream.WriteAsync(content, ct).AsTask(), cancellationToken);

    /// <inheritdoc/>
    public Task PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        return WriteAsync(key, (stream, ct) => content.CopyToAsync(stream, 81920, ct), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return Task.FromResult<Stream?>(new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync: true));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    private async Task WriteAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // Write to a temporary name and rename, so a reader never sees half a blob.
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                await write(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            File.SetLastWriteTimeUtc(temp, _timeProvider.GetUtcNow().UtcDateTime);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            // A cancelled or failed write (a client gone, a 504, a full disk) must not leave its temporary file behind
            // (issue 9: orphan .tmp- files after 504s). The rename is the last step, so the temp is never the blob.
            File.Delete(temp);
            throw;
        }
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
