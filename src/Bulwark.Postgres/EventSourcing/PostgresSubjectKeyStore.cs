using System.Security.Cryptography;
using Bulwark.EventSourcing;
using Npgsql;

namespace Bulwark.Postgres.EventSourcing;

/// <summary>
/// Per-subject AES keys on PostgreSQL, in their own table (point it at another database to keep keys out of the
/// event backups). A deleted key leaves a tombstone so it is never silently recreated.
/// </summary>
public sealed class PostgresSubjectKeyStore : ISubjectKeyStore, IDisposable
{
    internal const string Component = "subject-keys";

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE bulwark_subject_keys (
            subject_id text PRIMARY KEY,
            key bytea NULL,
            created_at timestamptz NOT NULL,
            forgotten_at timestamptz NULL);
        """,
    ];

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;
    private readonly PostgresSchemaGate _schema;

    /// <summary>Creates the key store.</summary>
    /// <param name="dataSource">The database of the keys.</param>
    /// <param name="timeProvider">The clock for stamps.</param>
    public PostgresSubjectKeyStore(NpgsqlDataSource dataSource, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _dataSource = dataSource;
        _timeProvider = timeProvider;
        _schema = new PostgresSchemaGate(dataSource, Component, Migrations);
    }

    /// <summary>Creates or upgrades the table; safe to call on every start.</summary>
    /// <param name="cancellationToken">Cancels the migration.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    public Task MigrateAsync(CancellationToken cancellationToken = default) => _schema.EnsureAsync(cancellationToken).AsTask();

    /// <inheritdoc />
    public async Task<byte[]> GetOrCreateKeyAsync(string subjectId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        using (var insert = _dataSource.CreateCommand("INSERT INTO bulwark_subject_keys (subject_id, key, created_at) VALUES (@id, @key, @now) ON CONFLICT DO NOTHING;"))
        {
            insert.Parameters.AddWithValue("id", subjectId);
            insert.Parameters.AddWithValue("key", RandomNumberGenerator.GetBytes(32));
            insert.Parameters.AddWithValue("now", _timeProvider.GetUtcNow());
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return await GetKeyAsync(subjectId, cancellationToken).ConfigureAwait(false) ?? throw new SubjectForgottenException(subjectId);
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetKeyAsync(string subjectId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand("SELECT key FROM bulwark_subject_keys WHERE subject_id = @id;");
        command.Parameters.AddWithValue("id", subjectId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
    }

    /// <inheritdoc />
    public async Task<bool> DeleteKeyAsync(string subjectId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand("""
            INSERT INTO bulwark_subject_keys (subject_id, key, created_at, forgotten_at) VALUES (@id, NULL, @now, @now)
            ON CONFLICT (subject_id) DO UPDATE SET key = NULL, forgotten_at = @now WHERE bulwark_subject_keys.key IS NOT NULL;
            """);
        command.Parameters.AddWithValue("id", subjectId);
        command.Parameters.AddWithValue("now", _timeProvider.GetUtcNow());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public void Dispose() => _schema.Dispose();
}
