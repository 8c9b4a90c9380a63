using System.Data.Common;
using Bulwark.Data;
using Bulwark.Data.Schema;

namespace Bulwark.Idempotency;

/// <summary>
/// The sequence guard on a SQL database: one row per (consumer, entity) holding the highest sequence applied, moved
/// forward by a single <c>INSERT ... ON CONFLICT DO UPDATE ... WHERE older</c>, so two deliveries racing for one entity
/// are ordered by the row lock (PostgreSQL) or the single writer lock (SQLite) and only the newer one wins.
/// </summary>
public sealed class SqlSequenceGuard : SqlStore, ISequenceGuard
{
    /// <summary>The guard's schema.</summary>
    public static SchemaComponent Schema { get; } = new SchemaComponent("sequences").ForEveryDialect(t => $"""
        CREATE TABLE bulwark_sequences (
            consumer {t.Text} NOT NULL,
            entity_key {t.Text} NOT NULL,
            sequence {t.BigNumber} NOT NULL,
            applied_at {t.Timestamp} NOT NULL,
            PRIMARY KEY (consumer, entity_key));
        """);

    /// <summary>Creates the guard; does no I/O.</summary>
    /// <param name="database">The database that also holds the handler's tables.</param>
    /// <param name="timeProvider">The clock for applied stamps.</param>
    public SqlSequenceGuard(SqlDatabase database, TimeProvider timeProvider)
        : base(database, Schema, timeProvider)
    {
    }

    /// <inheritdoc />
    public async Task<bool> TryAdvanceAsync(DbConnection connection, DbTransaction transaction, string consumer, string entityKey, long sequence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentException.ThrowIfNullOrWhiteSpace(consumer);
        ArgumentException.ThrowIfNullOrWhiteSpace(entityKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        if (!ReferenceEquals(transaction.Connection, connection))
        {
            throw new ArgumentException("The sequence guard needs a transaction on the given connection.", nameof(transaction));
        }

        await Gate.EnsureWithinAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand(
                """
                INSERT INTO bulwark_sequences (consumer, entity_key, sequence, applied_at) VALUES (@consumer, @key, @sequence, @now)
                ON CONFLICT (consumer, entity_key) DO UPDATE SET sequence = excluded.sequence, applied_at = excluded.applied_at
                WHERE bulwark_sequences.sequence < excluded.sequence;
                """,
                transaction)
            .With("consumer", consumer)
            .With("key", entityKey)
            .With("sequence", sequence)
            .With("now", Database.Dialect.Timestamp(Clock.GetUtcNow()));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }
}
