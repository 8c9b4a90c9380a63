using System.ComponentModel.DataAnnotations;

namespace Bulwark.Messaging.ClaimCheck;

/// <summary>Where the embedded file-system blob store keeps its files.</summary>
public sealed class FileSystemBlobStoreOptions
{
    /// <summary>The root folder; created when missing.</summary>
    /// <value>The default value is <c>data/claim-checks</c> (relative to the working directory).</value>
    [Required]
    public string RootPath { get; set; } = Path.Combine("data", "claim-checks");
}
