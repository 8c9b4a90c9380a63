using System.Data.Common;
using Bulwark.Data;
using Bulwark.Data.Schema;

namespace Bulwark.Idempotency;

/// <summary>
/// The consumer inbox on a SQL database: a (consumer, message id) primary key written in the handler's transaction.
/// On PostgreSQL a concurrent duplicate waits on the first insert's row lock and is reported as a duplicate once it
/// commits (or inserted, if it rolled back); on SQLite the single writer lock orders them.
/// </summary>
public sealed class SqlInbox : SqlStore, IInbox
{
    /// <summary>The inbox's schema.</summary>
    public static SchemaComponent Schema { get; } = new SchemaComponent("inbox").ForEveryDialect(t => $"""
        CREATE TABLE bulwark_inbox (
            consumer {t.Text} NOT NULL,
            message_id {t.Uuid} NOT NULL,
            received_at {t.Timestamp} NOT NULL,
            PRIMARY KEY (consumer, message_id));
        CREATE INDEX ix_bulwark_inbox_received ON bulwark_inbox (received_at);
        """);

    /// <summary>Creates the inbox; does no I/O.</summary>
    /// <param name="database">The database that also holds the handler's tables.</param>
    /// <param name="timeProvider">The clock for received stamps.</param>
    public SqlInbox(SqlDatabase database, TimeProvider timeProvider)
        : base(database, Schema, timeProvider)
    {
    }

    /// <inheritdoc />
    public async Task<bool> TryRecordAsync(DbConnection connection, DbTransaction transaction, string consumer, Guid messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentException.ThrowIfNullOrWhiteSpace(consumer);
        if (!ReferenceEquals(transaction.Connection, connection))
        {
            throw new ArgumentException("The inbox needs a transaction on the given connection.", nameof(transaction));
        }

        await Gate.EnsureWithinAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var dialect = Database.Dialect;
        using var command = connection.CreateCommand(
                "INSERT INTO bulwark_inbox (consumer, message_id, received_at) VALUES (@consumer, @id, @now) ON CONFLICT DO NOTHING;",
                transaction)
            .With("consumer", consumer)
            .With("id", dialect.Uuid(messageId))
            .With("now", dialect.Timestamp(Clock.GetUtcNow()));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Deletes records older than <paramref name="receivedBefore"/>; keep them longer than any redelivery window.</summary>
    /// <param name="receivedBefore">The cut-off.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>How many records were deleted.</returns>
    public async Task<int> PurgeAsync(DateTimeOffset receivedBefore, CancellationToken cancellationToken = default)
    {
        return await ExecuteAsync(
            "DELETE FROM bulwark_inbox WHERE received_at < @before;",
            command => command.With("before", Dialect.Timestamp(receivedBefore)),
            cancellationToken).ConfigureAwait(false);
    }

}
