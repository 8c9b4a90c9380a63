using System.Data.Common;
using Bulwark.Data;

namespace Bulwark.Outbox;

/// <summary>
/// Claims on a single-writer database (SQLite): one short write leases rows (a claim id and an expiry), the relay
/// publishes with no lock held, and a second short write marks them. Holding the file's only write lock across the
/// publishing starved every other writer during a burst (issue 10). A row is claimable only while no earlier
/// unpublished row of its partition key is leased by another claim, so relays in several processes keep per-key
/// order; a crashed relay's lease expires after <see cref="ClaimLease"/>.
/// </summary>
public sealed partial class SqlOutboxStore
{
    private async Task<IOutboxClaim> ClaimLeasesAsync(int maxMessages, CancellationToken cancellationToken)
    {
        var claimId = Guid.NewGuid().ToString("N");
        var messages = await Database.RunAsync(
            async (connection, token) =>
            {
                var now = Clock.GetUtcNow();
                using var command = connection.CreateCommand($"""
                        UPDATE bulwark_outbox SET claim_id = @claim, claimed_until = @until
                        WHERE position IN (
                            SELECT o.position FROM bulwark_outbox o
                            WHERE o.published_at IS NULL AND (o.claimed_until IS NULL OR o.claimed_until <= @now)
                              AND NOT EXISTS (
                                  SELECT 1 FROM bulwark_outbox e
                                  WHERE e.partition_key = o.partition_key AND e.published_at IS NULL AND e.position < o.position AND e.claimed_until > @now)
                            ORDER BY o.position LIMIT @max)
                        RETURNING {MessageColumns};
                        """)
                    .With("claim", claimId)
                    .With("until", Dialect.Timestamp(now + ClaimLease))
                    .With("now", Dialect.Timestamp(now))
                    .With("max", maxMessages);
                var claimed = await ReadMessagesAsync(command, token).ConfigureAwait(false);

                // RETURNING does not promise an order.
                claimed.Sort((a, b) => a.Position.CompareTo(b.Position));
                return claimed;
            },
            Clock,
            cancellationToken).ConfigureAwait(false);
        return new LeaseClaim(this, claimId, messages);
    }

    // Marks published rows and releases the rest in one short write. Not cancelled with the relay: the messages
    // left already, and an unmarked row is only published again, never lost.
    private Task<bool> SettleAsync(string claimId, IReadOnlyCollection<long> publishedPositions, CancellationToken cancellationToken) =>
        WriteAsync(
            async (connection, transaction, token) =>
            {
                using (var mark = connection.CreateCommand(
                           "UPDATE bulwark_outbox SET published_at = @now, claim_id = NULL, claimed_until = NULL WHERE position = @position AND claim_id = @claim;",
                           transaction)
                       .With("now", Dialect.Timestamp(Clock.GetUtcNow()))
                       .With("claim", claimId))
                {
                    var position = mark.AddParameter("position");
                    foreach (var published in publishedPositions)
                    {
                        position.Value = published;
                        await mark.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                    }
                }

                using (var release = connection.CreateCommand("UPDATE bulwark_outbox SET claim_id = NULL, claimed_until = NULL WHERE claim_id = @claim;", transaction)
                           .With("claim", claimId))
                {
                    await release.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                return true;
            },
            cancellationToken);

    private sealed class LeaseClaim(SqlOutboxStore store, string claimId, IReadOnlyList<OutboxMessage> messages) : IOutboxClaim
    {
        private bool _settled;

        public IReadOnlyList<OutboxMessage> Messages { get; } = messages;

        public async Task CompleteAsync(IReadOnlyCollection<long> publishedPositions, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(publishedPositions);
            await store.SettleAsync(claimId, publishedPositions, cancellationToken).ConfigureAwait(false);
            _settled = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (_settled || Messages.Count == 0)
            {
                return;
            }

            // Not completed (the relay stopped or failed): release the rows for the next claim instead of waiting
            // for the lease to expire. Should this fail too, the lease expiry releases them.
            try
            {
                await store.SettleAsync(claimId, [], CancellationToken.None).ConfigureAwait(false);
            }
            catch (DbException)
            {
            }
        }
    }
}
