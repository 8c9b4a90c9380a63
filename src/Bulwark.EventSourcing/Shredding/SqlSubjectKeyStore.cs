using System.Data.Common;
using System.Security.Cryptography;
using Bulwark.Data;
using Bulwark.Data.Schema;

namespace Bulwark.EventSourcing;

/// <summary>
/// Per-subject encryption keys on a SQL database (any <see cref="SqlDialect"/>). Forgetting a subject nulls its key
/// and keeps a tombstone, so no new key can be created for it and its personal fields stay unreadable.
/// </summary>
public sealed class SqlSubjectKeyStore : SqlStore, ISubjectKeyStore, IForgottenSubjects
{
    /// <summary>The key table's schema (the scripts the per-database stores shipped).</summary>
    public static SchemaComponent Schema { get; } = new SchemaComponent("subject-keys").ForEveryDialect(t => $"""
        CREATE TABLE bulwark_subject_keys (
            subject_id {t.Text} PRIMARY KEY,
            key {t.Bytes} NULL,
            created_at {t.Timestamp} NOT NULL,
            forgotten_at {t.Timestamp} NULL);
        """);

    // SQLite leaves freed content in the file unless secure_delete is on for the connection that frees it; PostgreSQL
    // has no such switch (VACUUM reclaims the old row version).
    private static readonly Dictionary<string, string> BeforeForget = new(StringComparer.Ordinal)
    {
        [SqlDialectNames.Sqlite] = "PRAGMA secure_delete = ON;",
    };


    /// <summary>Creates the store; does no I/O.</summary>
    /// <param name="database">The database (keep it out of the event backups where you can).</param>
    /// <param name="timeProvider">The clock for created/forgotten stamps, migration stamps and busy retries.</param>
    public SqlSubjectKeyStore(SqlDatabase database, TimeProvider timeProvider)
        : base(database, Schema, timeProvider)
    {
    }

    /// <inheritdoc />
    public async Task<byte[]> GetOrCreateKeyAsync(string subjectId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        await Gate.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await Database.RunAsync(
            async (connection, token) =>
            {
                using (var insert = connection.CreateCommand("INSERT INTO bulwark_subject_keys (subject_id, key, created_at) VALUES (@id, @key, @now) ON CONFLICT DO NOTHING;")
                    .With("id", subjectId)
                    .With("key", RandomNumberGenerator.GetBytes(32))
                    .With("now", Database.Dialect.Timestamp(Clock.GetUtcNow())))
                {
                    await insert.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                return await ReadKeyAsync(connection, subjectId, token).ConfigureAwait(false) ?? throw new SubjectForgottenException(subjectId);
            },
            Clock,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetKeyAsync(string subjectId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        await Gate.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = await Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ReadKeyAsync(connection, subjectId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteKeyAsync(string subjectId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        await Gate.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await Database.RunAsync(
            async (connection, token) =>
            {
                if (BeforeForget.TryGetValue(Database.Dialect.Name, out var setup))
                {
                    using var pragma = connection.CreateCommand(setup);
                    await pragma.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                using var command = connection.CreateCommand("""
                        INSERT INTO bulwark_subject_keys (subject_id, key, created_at, forgotten_at) VALUES (@id, NULL, @now, @now)
                        ON CONFLICT (subject_id) DO UPDATE SET key = NULL, forgotten_at = @now WHERE bulwark_subject_keys.key IS NOT NULL;
                        """)
                    .With("id", subjectId)
                    .With("now", Database.Dialect.Timestamp(Clock.GetUtcNow()));
                return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false) == 1;
            },
            Clock,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> IsForgottenAsync(string subjectId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        return await ScalarAsync("SELECT 1 FROM bulwark_subject_keys WHERE subject_id = @id AND forgotten_at IS NOT NULL;", command => command.With("id", subjectId), cancellationToken)
            .ConfigureAwait(false) is not null and not DBNull;
    }

    private static async Task<byte[]?> ReadKeyAsync(DbConnection connection, string subjectId, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand("SELECT key FROM bulwark_subject_keys WHERE subject_id = @id;").With("id", subjectId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
    }
}
