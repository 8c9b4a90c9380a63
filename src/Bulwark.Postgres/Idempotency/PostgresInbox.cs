using System.Data.Common;
using Bulwark.Idempotency;
using Npgsql;

namespace Bulwark.Postgres.Idempotency;

/// <summary>
/// The consumer inbox on PostgreSQL: a (consumer, message id) primary key written in the handler's transaction.
/// A concurrent duplicate waits on the first insert's row lock and is reported as a duplicate once it commits
/// (or inserted, if it rolled back).
/// </summary>
public sealed class PostgresInbox : IInbox, IDisposable
{
    internal const string Component = "inbox";

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE bulwark_inbox (
            consumer text NOT NULL,
            message_id uuid NOT NULL,
            received_at timestamptz NOT NULL,
            PRIMARY KEY (consumer, message_id));
        CREATE INDEX ix_bulwark_inbox_received ON bulwark_inbox (received_at);
        """,
    ];

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;
    private readonly PostgresSchemaGate _schema;

    /// <summary>Creates the inbox.</summary>
    /// <param name="dataSource">The database that also holds the handler's tables.</param>
    /// <param name="timeProvider">The clock for received stamps.</param>
    public PostgresInbox(NpgsqlDataSource dataSource, TimeProvider timeProvider)
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
    public async Task<bool> TryRecordAsync(DbConnection connection, DbTransaction transaction, string consumer, Guid messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentException.ThrowIfNullOrWhiteSpace(consumer);
        if (connection is not NpgsqlConnection npgsql || transaction is not NpgsqlTransaction npgsqlTransaction || !ReferenceEquals(transaction.Connection, connection))
        {
            throw new ArgumentException("The PostgreSQL inbox needs an NpgsqlConnection and a transaction on it.", nameof(transaction));
        }

        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        using var command = new NpgsqlCommand(
            "INSERT INTO bulwark_inbox (consumer, message_id, received_at) VALUES (@consumer, @id, @now) ON CONFLICT DO NOTHING;",
            npgsql,
            npgsqlTransaction);
        command.Parameters.AddWithValue("consumer", consumer);
        command.Parameters.AddWithValue("id", messageId);
        command.Parameters.AddWithValue("now", _timeProvider.GetUtcNow());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Deletes records older than <paramref name="receivedBefore"/>; keep them longer than any redelivery window.</summary>
    /// <param name="receivedBefore">The cut-off.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>How many records were deleted.</returns>
    public async Task<int> PurgeAsync(DateTimeOffset receivedBefore, CancellationToken cancellationToken = default)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand("DELETE FROM bulwark_inbox WHERE received_at < @before;");
        command.Parameters.AddWithValue("before", receivedBefore.ToUniversalTime());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _schema.Dispose();
}
