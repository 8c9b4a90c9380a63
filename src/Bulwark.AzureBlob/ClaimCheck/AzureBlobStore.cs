using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Bulwark.Messaging.ClaimCheck;
using BlobInfo = Bulwark.Messaging.ClaimCheck.BlobInfo;

namespace Bulwark.AzureBlob.ClaimCheck;

/// <summary>
/// The claim-check blob store on Azure Blob Storage. The creation time is written as blob metadata from the
/// <see cref="TimeProvider"/>, so the TTL sweeper works the same on Azure, Azurite and in tests.
/// </summary>
public sealed class AzureBlobStore : IBlobStore
{
    private const string CreatedAtKey = "bulwarkcreatedat";
    private readonly BlobContainerClient _container;
    private readonly TimeProvider _timeProvider;
    private readonly Lazy<Task> _created;

    /// <summary>Creates the store (the container is created on first use).</summary>
    /// <param name="options">The connection and container.</param>
    /// <param name="timeProvider">The clock stamping creation times.</param>
    public AzureBlobStore(AzureBlobStoreOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = options.ServiceVersion is { } version ? new BlobClientOptions(version) : new BlobClientOptions();
        _container = new BlobContainerClient(options.ConnectionString, options.ContainerName, clientOptions);
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _created = new Lazy<Task>(() => _container.CreateIfNotExistsAsync());
    }

    /// <inheritdoc/>
    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        await _created.Value.ConfigureAwait(false);
        await _container.GetBlobClient(BlobKey.Validate(key)).UploadAsync(BinaryData.FromBytes(content), UploadOptions(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        await _created.Value.ConfigureAwait(false);
        // A block blob is committed only after its last block: a stream that fails mid-way leaves no blob.
        await _container.GetBlobClient(BlobKey.Validate(key)).UploadAsync(content, UploadOptions(), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        await _created.Value.ConfigureAwait(false);
        try
        {
            var result = await _container.GetBlobClient(BlobKey.Validate(key)).DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return result.Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await _created.Value.ConfigureAwait(false);
        try
        {
            var result = await _container.GetBlobClient(BlobKey.Validate(key)).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return result.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        await _created.Value.ConfigureAwait(false);
        await _container.GetBlobClient(BlobKey.Validate(key)).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<BlobInfo> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await _created.Value.ConfigureAwait(false);
        await foreach (var item in _container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix: null, cancellationToken).ConfigureAwait(false))
        {
            var createdAt = item.Metadata.TryGetValue(CreatedAtKey, out var stamp) && long.TryParse(stamp, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)
                ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
                : item.Properties.CreatedOn ?? DateTimeOffset.MinValue;
            yield return new BlobInfo(item.Name, createdAt, item.Properties.ContentLength ?? 0);
        }
    }

    /// <summary>Deletes the container and everything in it (tests and teardown).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when deleted.</returns>
    public Task DeleteContainerAsync(CancellationToken cancellationToken) => _container.DeleteIfExistsAsync(cancellationToken: cancellationToken);

    private BlobUploadOptions UploadOptions() => new()
    {
        Metadata = new Dictionary<string, string>
        {
            [CreatedAtKey] = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        },
    };
}
