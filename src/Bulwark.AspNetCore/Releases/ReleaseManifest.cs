using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bulwark.AspNetCore.Releases;

/// <summary>
/// What a release is: the commit it was built from, the SHA-256 of every file in its published folder, a hash of its
/// configuration files, and the release id derived from all three. Written next to the published files as
/// <see cref="FileName"/>; an instance compares its folder against it (docs/releases.md).
/// </summary>
public sealed record ReleaseManifest
{
    /// <summary>The manifest's file name inside the release folder; it is the one file the manifest does not hash.</summary>
    public const string FileName = "release.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The first 16 hex digits of the SHA-256 over the commit, the configuration hash and every file's hash.</summary>
    public required string ReleaseId { get; init; }

    /// <summary>The commit the release was built from (with <c>-dirty</c> when the working tree had changes).</summary>
    public required string Commit { get; init; }

    /// <summary>The SHA-256 over the configuration files' names and hashes (see <see cref="IsConfiguration"/>).</summary>
    public required string ConfigurationHash { get; init; }

    /// <summary>Every file's SHA-256 (lower-case hex) by its path relative to the release folder, <c>/</c>-separated, sorted.</summary>
    public required IReadOnlyDictionary<string, string> Files { get; init; }

    /// <summary>Whether a release-relative path is configuration: <c>appsettings*.json</c> and <c>*.runtimeconfig.json</c>.</summary>
    /// <param name="path">A <c>/</c>-separated path relative to the release folder.</param>
    /// <returns>True for a configuration file.</returns>
    public static bool IsConfiguration(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = Path.GetFileName(path);
        return (name.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            || name.EndsWith(".runtimeconfig.json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Hashes every file under <paramref name="folder"/> (except the manifest itself) into a manifest.</summary>
    /// <param name="folder">The published release folder.</param>
    /// <param name="commit">The commit it was built from.</param>
    /// <param name="cancellationToken">Cancels the hashing.</param>
    /// <returns>The manifest; not yet written.</returns>
    public static async Task<ReleaseManifest> CreateAsync(string folder, string commit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentException.ThrowIfNullOrWhiteSpace(commit);
        var files = await HashFolderAsync(folder, ignore: [], cancellationToken).ConfigureAwait(false);
        var configuration = ConfigurationHashOf(files);
        var id = new StringBuilder().Append("commit ").Append(commit).Append('\n').Append("configuration ").Append(configuration).Append('\n');
        foreach (var (path, hash) in files)
        {
            id.Append(hash).Append("  ").Append(path).Append('\n');
        }

        return new ReleaseManifest
        {
            ReleaseId = Sha256(id.ToString())[..16],
            Commit = commit,
            ConfigurationHash = configuration,
            Files = files,
        };
    }

    /// <summary>Reads a manifest written by <see cref="WriteAsync"/>.</summary>
    /// <param name="path">The manifest file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="InvalidDataException">The file is not a release manifest.</exception>
    public static async Task<ReleaseManifest> ReadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            var manifest = await JsonSerializer.DeserializeAsync<ReleaseManifest>(stream, Json, cancellationToken).ConfigureAwait(false);
            return manifest is { ReleaseId.Length: > 0, Files: not null }
                ? manifest with { Files = new SortedDictionary<string, string>(manifest.Files.ToDictionary(), StringComparer.Ordinal) }
                : throw new InvalidDataException($"{path} is not a release manifest (no releaseId or files).");
        }
    }

    /// <summary>Writes the manifest as <see cref="FileName"/> into <paramref name="folder"/>.</summary>
    /// <param name="folder">The release folder.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The manifest's path.</returns>
    public async Task<string> WriteAsync(string folder, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var path = Path.Combine(folder, FileName);
        var stream = File.Create(path);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, this, Json, cancellationToken).ConfigureAwait(false);
        }

        return path;
    }

    /// <summary>Compares <paramref name="folder"/> with the manifest: files changed, missing, or added since the release was built.</summary>
    /// <param name="folder">The folder the instance runs from.</param>
    /// <param name="ignore">Release-relative folder prefixes the instance may write to (e.g. <c>data/</c>); files added there are not drift.</param>
    /// <param name="cancellationToken">Cancels the hashing.</param>
    /// <returns>The drifted files, sorted by path; empty when the folder is the release.</returns>
    public async Task<IReadOnlyList<ReleaseDrift>> CompareAsync(string folder, IReadOnlyCollection<string> ignore, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(ignore);
        var actual = await HashFolderAsync(folder, ignore, cancellationToken).ConfigureAwait(false);
        var drift = new List<ReleaseDrift>();
        foreach (var (path, hash) in Files)
        {
            if (!actual.TryGetValue(path, out var now))
            {
                drift.Add(new ReleaseDrift(path, ReleaseDriftKind.Missing, IsConfiguration(path)));
            }
            else if (!string.Equals(now, hash, StringComparison.Ordinal))
            {
                drift.Add(new ReleaseDrift(path, ReleaseDriftKind.Changed, IsConfiguration(path)));
            }
        }

        foreach (var path in actual.Keys.Where(p => !Files.ContainsKey(p)))
        {
            drift.Add(new ReleaseDrift(path, ReleaseDriftKind.Added, IsConfiguration(path)));
        }

        drift.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return drift;
    }

    private static async Task<SortedDictionary<string, string>> HashFolderAsync(string folder, IReadOnlyCollection<string> ignore, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(folder);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (relative == FileName || ignore.Any(prefix => relative.StartsWith(prefix, StringComparison.Ordinal)))
            {
                continue;
            }

            var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                files[relative] = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
            }
        }

        return files;
    }

    private static string ConfigurationHashOf(SortedDictionary<string, string> files)
    {
        var text = new StringBuilder();
        foreach (var (path, hash) in files.Where(f => IsConfiguration(f.Key)))
        {
            text.Append(hash).Append("  ").Append(path).Append('\n');
        }

        return Sha256(text.ToString());
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <summary>How a file differs from its release.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReleaseDriftKind>))]
public enum ReleaseDriftKind
{
    /// <summary>Its content is not what was released.</summary>
    Changed,

    /// <summary>It was released and is gone.</summary>
    Missing,

    /// <summary>It was not released.</summary>
    Added,
}

/// <summary>One file that differs from its release.</summary>
/// <param name="Path">The path relative to the release folder, <c>/</c>-separated.</param>
/// <param name="Kind">How it differs.</param>
/// <param name="Configuration">Whether it is a configuration file (a setting changed) rather than code or content.</param>
public sealed record ReleaseDrift(string Path, ReleaseDriftKind Kind, bool Configuration);
