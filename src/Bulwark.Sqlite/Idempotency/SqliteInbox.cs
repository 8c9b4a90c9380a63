using System.Data.Common;
using Bulwark.Idempotency;
using Microsoft.Data.Sqlite;

namespace Bulwark.Sqlite.Idempotency;

/// <summary>The consumer inbox on SQLite: a (consumer, message id) primary key written in the handler's transaction.</summary>
public sealed class SqliteInbox : IInbox, IDisposable
{
    internal const string Component = "inbox";

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE bulwark_inbox (
            consumer TEXT NOT NULL,
            message_id TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            PRIMARY KEY (consumer, message_id));
        CREATE INDEX ix_bulwark_inbox_received ON bulwark_inbox (received_at);
        """,
    ];

    private readonly string _connectionString;
    private readonly TimeProvider _timeProvider;
    private readonly SqliteSchemaGate _schema;

    /// <summary>Creates the inbox.</summary>
    /// <param name="connectionString">The SQLite database that also holds the handler's tables.</param>
    /// <param name="timeProvider">The clock for received stamps.</param>
    public SqliteInbox(string connectionString, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _connectionString = connectionString;
        _timeProvider = timeProvider;
        _schema = new SqliteSchemaGate(connectionString, Component, Migrations, timeProvider);
    }

    /// <summary>Creates or upgrades the table; safe to call on every start.</summary>
    /// <param name="cancellationToken">Cancels the migration.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    public Task MigrateAsync(CancellationToken cancellationToken = default) => _schema.EnsureAsync(cancellationToken).AsTask();

    /// <inheritdoc />
    public async Task<bool> TryRecordAsync(DbConnection connection, DbTransaction transaction, string consumer, Guid messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentException.ThrowIfNullOrWhiteSpace(consumer);
        if (connection is not SqliteConnection sqlite || transaction is not SqliteTransaction sqliteTransaction || !ReferenceEquals(transaction.Connection, connection))
        {
            throw new ArgumentException("The SQLite inbox needs a SqliteConnection and a transaction on it.", nameof(transaction));
        }

        await _schema.EnsureWithinAsync(sqlite, sqliteTransaction, cancellationToken).ConfigureAwait(false);
        using var command = sqlite.CreateCommand();
        command.Transaction = sqliteTransaction;
        command.CommandText = "INSERT INTO bulwark_inbox (consumer, message_id, received_at) VALUES ($consumer, $id, $now) ON CONFLICT DO NOTHING;";
        command.Parameters.AddWithValue("$consumer", consumer);
        command.Parameters.AddWithValue("$id", messageId.ToString());
        command.Parameters.AddWithValue("$now", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Deletes records older than <paramref name="receivedBefore"/>; keep them longer than any redelivery window.</summary>
    /// <param name="receivedBefore">The cut-off.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>How many records were deleted.</returns>
    public async Task<int> PurgeAsync(DateTimeOffset receivedBefore, CancellationToken cancellationToken = default)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = new SqliteConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM bulwark_inbox WHERE received_at < $before;";
            command.Parameters.AddWithValue("$before", receivedBefore.ToUnixTimeMilliseconds());
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _schema.Dispose();
}
