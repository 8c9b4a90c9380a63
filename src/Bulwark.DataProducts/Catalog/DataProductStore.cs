using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Bulwark.DataProducts;

/// <summary>
/// The folder layout of published data products: <c>{root}/{product}/v{major}/{version:000000}/</c> holding
/// <c>data.parquet</c>, <c>contract.json</c> and <c>manifest.json</c>. A version is written in a hidden folder beside
/// and moved into place whole, so a reader never sees half a version.
/// </summary>
public sealed class DataProductStore
{
    /// <summary>The data file of a version.</summary>
    public const string DataFile = "data.parquet";

    /// <summary>The contract beside the data.</summary>
    public const string ContractFile = "contract.json";

    /// <summary>The manifest of a version.</summary>
    public const string ManifestFile = "manifest.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { WriteIndented = true };

    private readonly IOptions<DataProductOptions> _options;

    /// <summary>Creates the store; does no I/O.</summary>
    /// <param name="options">The options (the root folder).</param>
    public DataProductStore(IOptions<DataProductOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>The root folder.</summary>
    public string Root => Path.GetFullPath(_options.Value.RootPath);

    /// <summary>The versions of a product, oldest first.</summary>
    /// <param name="productId">The product.</param>
    /// <returns>The versions found on disk.</returns>
    public IReadOnlyList<DataProductVersion> Versions(string productId)
    {
        ArgumentNullException.ThrowIfNull(productId);
        var folder = ProductFolder(productId);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return [.. Directory.EnumerateDirectories(folder, "v*")
            .SelectMany(Directory.EnumerateDirectories)
            .Select(d => Path.Combine(d, ManifestFile))
            .Where(File.Exists)
            .Select(f => JsonSerializer.Deserialize<DataProductVersion>(File.ReadAllText(f), Json)!)
            .OrderBy(v => v.Version)];
    }

    /// <summary>The folder of one version, or <see langword="null"/> when it does not exist.</summary>
    /// <param name="productId">The product.</param>
    /// <param name="version">The dataset version.</param>
    /// <returns>The folder.</returns>
    public string? FolderOf(string productId, long version)
    {
        ArgumentNullException.ThrowIfNull(productId);
        var folder = ProductFolder(productId);
        if (!Directory.Exists(folder))
        {
            return null;
        }

        var name = VersionName(version);
        return Directory.EnumerateDirectories(folder, "v*").Select(d => Path.Combine(d, name)).FirstOrDefault(Directory.Exists);
    }

    internal string ProductFolder(string productId)
    {
        ArgumentNullException.ThrowIfNull(productId);
        // Product ids come from code, but the endpoint passes a caller's text: never let it leave the root.
        if (productId.Length == 0 || !productId.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            throw new ArgumentException($"'{productId}' is not a product id (lower-case letters, digits and '-').", nameof(productId));
        }

        return Path.Combine(Root, productId);
    }

    internal string StagingFolder(string productId) => Path.Combine(ProductFolder(productId), $".building-{Guid.NewGuid():N}");

    internal string FinalFolder(string productId, int major, long version) =>
        Path.Combine(ProductFolder(productId), string.Create(CultureInfo.InvariantCulture, $"v{major}"), VersionName(version));

    internal static void WriteManifest(string folder, DataProductVersion version) =>
        File.WriteAllText(Path.Combine(folder, ManifestFile), JsonSerializer.Serialize(version, Json));

    internal void Prune(string productId, int keep)
    {
        foreach (var old in Versions(productId).SkipLast(keep))
        {
            if (FolderOf(productId, old.Version) is { } folder)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static string VersionName(long version) => version.ToString("D6", CultureInfo.InvariantCulture);
}
