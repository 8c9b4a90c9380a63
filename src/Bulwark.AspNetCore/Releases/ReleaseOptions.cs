using System.ComponentModel.DataAnnotations;

namespace Bulwark.AspNetCore.Releases;

/// <summary>Where the running release is and how often it is checked for drift. Bound from <c>Bulwark:Release</c>.</summary>
public sealed class ReleaseOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Bulwark:Release";

    /// <summary>The release folder holding <see cref="ReleaseManifest.FileName"/>; null means the host's own folder.</summary>
    /// <value>The default value is null (<see cref="AppContext.BaseDirectory"/>).</value>
    public string? Folder { get; set; }

    /// <summary>Whether the folder is re-hashed against the manifest; off, the release id is still reported.</summary>
    /// <value>The default value is true.</value>
    public bool DetectDrift { get; set; } = true;

    /// <summary>Time between drift checks (each hashes every released file, a few hundred milliseconds of one core).</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Release-relative folder prefixes (e.g. <c>data/</c>) where files the instance writes itself are not drift. Empty
    /// by default: an immutable release writes its data outside its folder.
    /// </summary>
    public IList<string> IgnoredPaths { get; } = [];
}
