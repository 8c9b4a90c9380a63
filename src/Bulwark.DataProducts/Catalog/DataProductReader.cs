namespace Bulwark.DataProducts;

/// <summary>
/// Reads published data products: the way a consuming module (Analytics) reads another module's data, through its
/// published files and contract, never its tables.
/// </summary>
public sealed class DataProductReader
{
    private readonly DataProductStore _store;

    /// <summary>Creates the reader.</summary>
    /// <param name="store">The published versions.</param>
    public DataProductReader(DataProductStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>Reads the newest version of a product, or <see langword="null"/> when none was published.</summary>
    /// <param name="productId">The product.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The version, its contract and its rows.</returns>
    public async Task<DataProductSnapshot?> ReadLatestAsync(string productId, CancellationToken cancellationToken)
    {
        var versions = _store.Versions(productId);
        return versions.Count == 0 ? null : await ReadAsync(productId, versions[^1].Version, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads one version, or <see langword="null"/> when it does not exist (or was pruned).</summary>
    /// <param name="productId">The product.</param>
    /// <param name="version">The dataset version.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The version, its contract and its rows.</returns>
    public async Task<DataProductSnapshot?> ReadAsync(string productId, long version, CancellationToken cancellationToken)
    {
        var folder = _store.FolderOf(productId, version);
        if (folder is null)
        {
            return null;
        }

        var manifest = _store.Versions(productId).First(v => v.Version == version);
        var contract = DataContractJson.Read(await File.ReadAllTextAsync(Path.Combine(folder, DataProductStore.ContractFile), cancellationToken).ConfigureAwait(false));
        var rows = await ParquetDataset.ReadAsync(Path.Combine(folder, DataProductStore.DataFile), cancellationToken).ConfigureAwait(false);
        return new DataProductSnapshot(manifest, contract, rows);
    }
}

/// <summary>One version of a data product as read.</summary>
/// <param name="Version">Its manifest.</param>
/// <param name="Contract">The contract it was published under.</param>
/// <param name="Rows">Its rows by column name.</param>
public sealed record DataProductSnapshot(DataProductVersion Version, DataContract Contract, IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows);
