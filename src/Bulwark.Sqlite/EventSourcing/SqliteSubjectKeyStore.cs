using System.Security.Cryptography;
using Bulwark.EventSourcing;
using Microsoft.Data.Sqlite;

namespace Bulwark.Sqlite.EventSourcing;

/// <summary>
/// Per-subject AES keys on SQLite, in their own table (and ideally their own database file, separate from the
/// events and their backups). A deleted key leaves a tombstone so it is never silently recreated.
/// </summary>
public sealed class SqliteSubjectKeyStore : ISubjectKeyStore, IDisposable
{
    internal const string Component = "subject-keys";

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE bulwark_subject_keys (
            subject_id TEXT PRIMARY KEY,
            key BLOB NULL,
            created_at INTEGER NOT NULL,
            forgotten_at INTEGER NULL);
        """,
    ];

    private readonly string _connectionString;
    private readonly TimeProvider _timeProvider;
    private readonly SqliteSchemaGate _schema;

    /// <summary>Creates the key store.</summary>
    /// <param name="connectionString">The SQLite database of the keys.</param>
    /// <param name="timeProvider">The clock for stamps.</param>
    public SqliteSubjectKeyStore(string connectionString, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _connectionString = connectionString;
        _timeProvider = timeProvider;
        _schema = new SqliteSchemaGate(_connectionString, Component, Migrations, timeProvider);
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
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using (var insert = connection.CreateCommand())
            {
                insert.CommandText = "INSERT INTO bulwark_subject_keys (subject_id, key, created_at) VALUES ($id, $key, $now) ON CONFLICT DO NOTHING;";
                insert.Parameters.AddWithValue("$id", subjectId);
                insert.Parameters.AddWithValue("$key", RandomNumberGenerator.GetBytes(32));
                insert.Parameters.AddWithValue("$now", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return await ReadKeyAsync(connection, subjectId, cancellationToken).ConfigureAwait(false)
                ?? throw new SubjectForgottenException(subjectId);
        }
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetKeyAsync(string subjectId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ReadKeyAsync(connection, subjectId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteKeyAsync(string subjectId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO bulwark_subject_keys (subject_id, key, created_at, forgotten_at) VALUES ($id, NULL, $now, $now)
                ON CONFLICT (subject_id) DO UPDATE SET key = NULL, forgotten_at = $now WHERE bulwark_subject_keys.key IS NOT NULL;
                """;
            command.Parameters.AddWithValue("$id", subjectId);
            command.Parameters.AddWithValue("$now", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _schema.Dispose();

    private static async Task<byte[]?> ReadKeyAsync(SqliteConnection connection, string subjectId, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key FROM bulwark_subject_keys WHERE subject_id = $id;";
        command.Parameters.AddWithValue("$id", subjectId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // secure_delete overwrites freed content, so a deleted key does not linger in the file.
            using var secure = connection.CreateCommand();
            secure.CommandText = "PRAGMA secure_delete = ON;";
            await secure.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
