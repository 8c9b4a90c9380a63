using System.ComponentModel.DataAnnotations;

namespace Shop.Infrastructure.Messaging;

/// <summary>Which transport and claim-check store the shop's bus uses. Bound from <c>Shop:Messaging</c>.</summary>
public sealed class ShopMessagingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shop:Messaging";

    /// <summary>The name of the embedded transport's SQLite file inside the data folder.</summary>
    public const string EmbeddedFileName = "messaging.db";

    /// <summary>The transport.</summary>
    /// <value>The default value is <see cref="ShopTransport.Sqlite"/> (embedded, no server).</value>
    public ShopTransport Transport { get; set; } = ShopTransport.Sqlite;

    /// <summary>Where claim-checked payloads (e.g. return photos) are stored.</summary>
    /// <value>The default value is <see cref="ShopBlobStore.FileSystem"/> (<c>claim-checks</c> under the data folder).</value>
    public ShopBlobStore BlobStore { get; set; } = ShopBlobStore.FileSystem;

    /// <summary>Bodies larger than this travel by claim check.</summary>
    /// <value>The default value is 65,536 bytes.</value>
    [Range(1024, 16 * 1024 * 1024)]
    public int ClaimCheckThresholdBytes { get; set; } = 64 * 1024;
}

/// <summary>The shop's message transports.</summary>
public enum ShopTransport
{
    /// <summary>The embedded SQLite transport (<c>messaging.db</c> in the data folder).</summary>
    Sqlite,

    /// <summary>RabbitMQ, configured under <c>Shop:Messaging:RabbitMq</c>.</summary>
    RabbitMq,
}

/// <summary>The shop's claim-check blob stores.</summary>
public enum ShopBlobStore
{
    /// <summary>Files under the data folder.</summary>
    FileSystem,

    /// <summary>Azure Blob Storage, configured under <c>Shop:Messaging:AzureBlob</c>.</summary>
    AzureBlob,
}
