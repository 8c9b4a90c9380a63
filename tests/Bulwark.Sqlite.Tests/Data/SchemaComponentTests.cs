using Bulwark.Data;
using Bulwark.Data.Schema;
using Bulwark.EventSourcing;
using Bulwark.Idempotency;

namespace Bulwark.Sqlite.Tests.Data;

/// <summary>
/// Issue 11: a schema written once for every dialect renders, on SQLite, exactly the script it shipped as when it was
/// written per dialect (a shipped script never changes; databases migrated before keep their history).
/// </summary>
public sealed class SchemaComponentTests
{
    [Fact]
    public void ForEveryDialect_InboxOnSqlite_RendersTheShippedScript()
    {
        const string shipped = """
            CREATE TABLE bulwark_inbox (
                consumer TEXT NOT NULL,
                message_id TEXT NOT NULL,
                received_at INTEGER NOT NULL,
                PRIMARY KEY (consumer, message_id));
            CREATE INDEX ix_bulwark_inbox_received ON bulwark_inbox (received_at);
            """;

        Assert.Equal([shipped], SqlInbox.Schema.ScriptsFor(SqliteDialect.Instance));
    }

    [Fact]
    public void ForEveryDialect_SubjectKeysOnSqlite_RendersTheShippedScript()
    {
        const string shipped = """
            CREATE TABLE bulwark_subject_keys (
                subject_id TEXT PRIMARY KEY,
                key BLOB NULL,
                created_at INTEGER NOT NULL,
                forgotten_at INTEGER NULL);
            """;

        Assert.Equal([shipped], SqlSubjectKeyStore.Schema.ScriptsFor(SqliteDialect.Instance));
    }

    [Fact]
    public void ForEveryDialect_ADialectsOwnScripts_TakePrecedence()
    {
        var component = new SchemaComponent("mixed")
            .ForEveryDialect(t => $"CREATE TABLE mixed (id {t.Uuid});")
            .For(SqlDialectNames.Sqlite, "CREATE TABLE mixed (id BLOB);", "SELECT 2;");

        Assert.Equal(["CREATE TABLE mixed (id BLOB);", "SELECT 2;"], component.ScriptsFor(SqliteDialect.Instance));
    }
}
