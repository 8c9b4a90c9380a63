using System.Data.Common;
using Bulwark.Data;

namespace Bulwark.Outbox;

/// <summary>
/// Claims on a database with row locks (PostgreSQL): a claim is one transaction that first takes a transaction-scoped
/// advisory lock per partition key (skipping keys another claim holds), then reads those keys' rows with
/// <c>FOR UPDATE SKIP LOCKED</c>: several relays drain the table in parallel, never publish a row twice under normal
/// operation, and keep per-key order. A relay that dies rolls back, and its rows are free at once.
/// </summary>
public sealed partial class SqlOutboxStore
{
    // The advisory-lock space of outbox partition keys; keys hash into the second int (collisions only serialize).
    private const int PartitionLockSpace = 0x0B17_0016;

    private async Task<IOutboxClaim> ClaimLockedAsync(int maxMessages, CancellationToken cancellationToken)
    {
        var connection = await Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        DbTransaction? transaction = null;
        try
        {
            transaction = await Dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            var keys = await LockKeysAsync(connection, transaction, maxMessages, cancellationToken).ConfigureAwait(false);
            if (keys.Count == 0)
            {
                return new LockClaim(this, connection, transaction, []);
            }

            // A new statement, so a new snapshot: whoever held these keys before has committed, and every unpublished
            // row of the keys is visible in position order. No other claim can hold them until this one ends.
            using var command = connection.CreateCommand(
                    $"""
                    SELECT {MessageColumns}
                    FROM bulwark_outbox
                    WHERE published_at IS NULL AND partition_key = ANY(@keys)
                    ORDER BY position
                    LIMIT @max
                    FOR UPDATE SKIP LOCKED;
                    """,
                    transaction)
                .With("keys", keys.ToArray())
                .With("max", maxMessages);
            var messages = await ReadMessagesAsync(command, cancellationToken).ConfigureAwait(false);
            return new LockClaim(this, connection, transaction, messages);
        }
        catch
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Takes the advisory locks of the partition keys with the oldest pending messages, skipping keys another claim
    /// holds. Locking keys before reading rows matters: a key locked mid-scan could hand out a later message of a key
    /// whose earlier message the same scan had skipped.
    /// </summary>
    private static async Task<List<string>> LockKeysAsync(DbConnection connection, DbTransaction transaction, int maxMessages, CancellationToken cancellationToken)
    {
        // Look past the keys other relays probably hold so that this relay still finds work.
        var candidates = Math.Min(maxMessages * 4, 10_000) + 16;
        using var command = connection.CreateCommand(
                """
                SELECT partition_key FROM (
                    SELECT partition_key, MIN(position) AS first_position
                    FROM bulwark_outbox WHERE published_at IS NULL
                    GROUP BY partition_key ORDER BY first_position LIMIT @candidates) candidate
                WHERE pg_try_advisory_xact_lock(@space, hashtext(partition_key))
                ORDER BY first_position;
                """,
                transaction)
            .With("candidates", candidates)
            .With("space", PartitionLockSpace);
        var keys = new List<string>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                keys.Add(reader.GetString(0));
            }
        }

        return keys;
    }

    private sealed class LockClaim(SqlOutboxStore store, DbConnection connection, DbTransaction transaction, IReadOnlyList<OutboxMessage> messages) : IOutboxClaim
    {
        public IReadOnlyList<OutboxMessage> Messages { get; } = messages;

        public async Task CompleteAsync(IReadOnlyCollection<long> publishedPositions, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(publishedPositions);
            if (publishedPositions.Count > 0)
            {
                using var command = connection.CreateCommand("UPDATE bulwark_outbox SET published_at = @now WHERE position = ANY(@positions);", transaction)
                    .With("now", store.Dialect.Timestamp(store.Clock.GetUtcNow()))
                    .With("positions", publishedPositions.ToArray());
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            // An uncommitted claim rolls back: row and advisory locks go, nothing is marked, another relay may take it.
            await transaction.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
