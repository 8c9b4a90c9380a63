using System.ComponentModel.DataAnnotations;

namespace Bulwark.Postgres.Outbox;

/// <summary>How the log-tailing outbox relay reads PostgreSQL's write-ahead log. Bound from <c>Bulwark:Outbox:LogTailing</c>.</summary>
public sealed class PostgresLogTailingOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Bulwark:Outbox:LogTailing";

    /// <summary>The connection string (the role needs the REPLICATION attribute; the server needs <c>wal_level=logical</c>).</summary>
    /// <value>The default value is <see langword="null"/> (required).</value>
    [Required]
    public string? ConnectionString { get; set; }

    /// <summary>The logical replication slot; the server keeps WAL for it while the relay is down, so watch its lag.</summary>
    /// <value>The default value is <c>bulwark_outbox</c>.</value>
    [Required]
    [RegularExpression("^[a-z0-9_]{1,63}$")]
    public string SlotName { get; set; } = "bulwark_outbox";

    /// <summary>The publication of the outbox table's inserts.</summary>
    /// <value>The default value is <c>bulwark_outbox</c>.</value>
    [Required]
    [RegularExpression("^[a-z0-9_]{1,63}$")]
    public string PublicationName { get; set; } = "bulwark_outbox";

    /// <summary>How long the relay waits before reconnecting after a failure.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);
}
