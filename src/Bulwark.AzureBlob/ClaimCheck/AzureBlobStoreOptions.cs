using System.ComponentModel.DataAnnotations;
using Azure.Storage.Blobs;

namespace Bulwark.AzureBlob.ClaimCheck;

/// <summary>Where claim-check blobs live in Azure Storage. Bound from the <c>Bulwark:Messaging:AzureBlob</c> section.</summary>
public sealed class AzureBlobStoreOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Bulwark:Messaging:AzureBlob";

    /// <summary>The storage connection string (<c>UseDevelopmentStorage=true</c> for Azurite).</summary>
    /// <value>The default value is <c>UseDevelopmentStorage=true</c>.</value>
    [Required]
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>The container; created when missing. Lowercase letters, digits and '-' only (3-63 characters).</summary>
    /// <value>The default value is <c>bulwark-claim-checks</c>.</value>
    [Required]
    [RegularExpression("^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$")]
    public string ContainerName { get; set; } = "bulwark-claim-checks";

    /// <summary>The REST API version to speak; pin it when an emulator lags behind the SDK.</summary>
    /// <value>The default value is <see langword="null"/> (the SDK's latest).</value>
    public BlobClientOptions.ServiceVersion? ServiceVersion { get; set; }
}
