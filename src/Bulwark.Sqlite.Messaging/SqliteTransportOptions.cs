using System.ComponentModel.DataAnnotations;

namespace Bulwark.Sqlite.Messaging;

/// <summary>The embedded SQLite message transport. Bound from the <c>Bulwark:Messaging:Sqlite</c> section.</summary>
public sealed class SqliteTransportOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Bulwark:Messaging:Sqlite";

    /// <summary>The database file; its folder is created when missing.</summary>
    /// <value>The default value is <c>data/bulwark-messaging.db</c> (relative to the working directory).</value>
    [Required]
    public string DatabasePath { get; set; } = Path.Combine("data", "bulwark-messaging.db");

    /// <summary>How long a delivered, unsettled message stays invisible; a consumer that dies loses its leases after this.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "12:00:00")]
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest an idle consumer waits before looking for due messages (publishes in the same process wake it at once).</summary>
    /// <value>The default value is 250 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}
