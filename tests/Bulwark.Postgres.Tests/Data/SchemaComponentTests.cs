using Bulwark.EventSourcing;
using Bulwark.Idempotency;

namespace Bulwark.Postgres.Tests.Data;

/// <summary>
/// Issue 11: a schema written once for every dialect renders, on PostgreSQL, exactly the script it shipped as when it
/// was written per dialect. Rendering needs no server.
/// </summary>
public sealed class SchemaComponentTests
{
    [Fact]
    public void ForEveryDialect_InboxOnPostgres_RendersTheShippedScript()
    {
        const string shipped = """
            CREATE TABLE bulwark_inbox (
                consumer text NOT NULL,
                message_id uuid NOT NULL,
                received_at timestamptz NOT NULL,
                PRIMARY KEY (consumer, message_id));
            CREATE INDEX ix_bulwark_inbox_received ON bulwark_inbox (received_at);
            """;

        Assert.Equal([shipped], SqlInbox.Schema.ScriptsFor(PostgresDialect.Instance));
    }

    [Fact]
    public void ForEveryDialect_SubjectKeysOnPostgres_RendersTheShippedScript()
    {
        const string shipped = """
            CREATE TABLE bulwark_subject_keys (
                subject_id text PRIMARY KEY,
                key bytea NULL,
                created_at timestamptz NOT NULL,
                forgotten_at timestamptz NULL);
            """;

        Assert.Equal([shipped], SqlSubjectKeyStore.Schema.ScriptsFor(PostgresDialect.Instance));
    }
}
