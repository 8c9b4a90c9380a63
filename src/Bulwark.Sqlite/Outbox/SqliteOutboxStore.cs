using System.Data.Common;
using System.Text.Json;
using Bulwark.Outbox;
using Microsoft.Data.Sqlite;

namespace Bulwark.Sqlite.Outbox;

/// <summary>
/// The outbox on SQLite: <see cref="IOutbox"/> writes into the caller's transaction; <see cref="IOutboxStore"/>
/// claims rows with a lease (a claim id and an expiry) in one short write, publishes with no lock held, and marks
/// them in a second short write. Holding SQLite's single write lock across the publishing starved every other
/// writer of the file during a burst (issue 10). A row is claimable only while no earlier unpublished row of its
/// partition key is leased by another claim, so relays in several processes keep per-key order; a crashed relay's
/// lease expires after <see cref="ClaimLease"/>.
/// </summary>
public sealed class SqliteOutboxStore : IOutbox, IOutboxStore, IDisposable
{
    internal const string Component = "outbox";

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE bulwark_outbox (
            position INTEGER PRIMARY KEY AUTOINCREMENT,
            message_id TEXT NOT NULL UNIQUE,
            topic TEXT NOT NULL,
            partition_key TEXT NOT NULL,
            content_type TEXT NOT NULL,
            headers TEXT NOT NULL,
            payload BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            published_at INTEGER NULL);
        CREATE INDEX ix_bulwark_outbox_pending ON bulwark_outbox (position) WHERE published_at IS NULL;
        CREATE INDEX ix_bulwark_outbox_published ON bulwark_outbox (published_at) WHERE published_at IS NOT NULL;
        """,
        """
        ALTER TABLE bulwark_outbox ADD COLUMN claim_id TEXT NULL;
        ALTER TABLE bulwark_outbox ADD COLUMN claimed_until INTEGER NULL;
        CREATE INDEX ix_bulwark_outbox_pending_key ON bulwark_outbox (partition_key, position) WHERE published_at IS NULL;
        """,
    ];

    /// <summary>How long a claim holds its rows before another relay may take them (a crashed relay's rows come back).</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(2);

    private readonly string _connectionString;
    private readonly TimeProvider _timeProvider;
    private readonly SqliteSchemaGate _schema;

    /// <summary>Creates the store.</summary>
    /// <param name="connectionString">The SQLite database that also holds the business tables.</param>
    /// <param name="timeProvider">The clock for created/published stamps.</param>
    public SqliteOutboxStore(string connectionString, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _connectionString = connectionString;
        _timeProvider = timeProvider;
        _schema = new SqliteSchemaGate(connectionString, Component, Migrations, timeProvider);
    }

    /// <summary>Creates or upgrades the outbox table; safe to call on every start.</summary>
    /// <param name="cancellationToken">Cancels the migration.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    public Task MigrateAsync(CancellationToken cancellationToken = default) => _schema.EnsureAsync(cancellationToken).AsTask();

    /// <inheritdoc />
    public async Task<OutboxMessage> EnqueueAsync(
        DbConnection connection,
        DbTransaction transaction,
        string topic,
        string partitionKey,
        ReadOnlyMemory<byte> payload,
        OutboxEnqueueOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(transaction);
        OutboxArguments.Validate(connection, transaction, topic, partitionKey);
        if (connection is not SqliteConnection sqlite || transaction is not SqliteTransaction sqliteTransaction)
        {
            throw new ArgumentException($"The SQLite outbox needs a {nameof(SqliteConnection)} and its transaction, not {connection.GetType().Name}.", nameof(connection));
        }

        await _schema.EnsureWithinAsync(sqlite, sqliteTransaction, cancellationToken).ConfigureAwait(false);
        options ??= new OutboxEnqueueOptions();
        var headers = options.Headers ?? new Dictionary<string, string>(StringComparer.Ordinal);
        var message = new OutboxMessage
        {
            MessageId = options.MessageId ?? Guid.CreateVersion7(_timeProvider.GetUtcNow()),
            Topic = topic,
            PartitionKey = partitionKey,
            ContentType = options.ContentType,
            Payload = payload,
            Headers = headers,
            CreatedAt = _timeProvider.GetUtcNow(),
        };

        using var command = sqlite.CreateCommand();
        command.Transaction = sqliteTransaction;
        command.CommandText = """
            INSERT INTO bulwark_outbox (message_id, topic, partition_key, content_type, headers, payload, created_at)
            VALUES ($id, $topic, $key, $type, $headers, $payload, $created)
            RETURNING position;
            """;
        command.Parameters.AddWithValue("$id", message.MessageId.ToString());
        command.Parameters.AddWithValue("$topic", topic);
        command.Parameters.AddWithValue("$key", partitionKey);
        command.Parameters.AddWithValue("$type", message.ContentType);
        command.Parameters.AddWithValue("$headers", JsonSerializer.Serialize(headers));
        command.Parameters.AddWithValue("$payload", payload.ToArray());
        command.Parameters.AddWithValue("$created", message.CreatedAt.ToUnixTimeMilliseconds());
        var position = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return message with { Position = position };
    }

    /// <inheritdoc />
    public async Task<IOutboxClaim> ClaimAsync(int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var claimId = Guid.NewGuid().ToString("N");
        var messages = await SqliteBusyRetry.RunAsync(
            async token =>
            {
                var connection = new SqliteConnection(_connectionString);
                await using (connection.ConfigureAwait(false))
                {
                    await connection.OpenAsync(token).ConfigureAwait(false);
                    var now = _timeProvider.GetUtcNow();
                    using var command = connection.CreateCommand();
                    command.CommandText = """
                        UPDATE bulwark_outbox SET claim_id = $claim, claimed_until = $until
                        WHERE position IN (
                            SELECT o.position FROM bulwark_outbox o
                            WHERE o.published_at IS NULL AND (o.claimed_until IS NULL OR o.claimed_until <= $now)
                              AND NOT EXISTS (
                                  SELECT 1 FROM bulwark_outbox e
                                  WHERE e.partition_key = o.partition_key AND e.published_at IS NULL AND e.position < o.position AND e.claimed_until > $now)
                            ORDER BY o.position LIMIT $max)
                        RETURNING position, message_id, topic, partition_key, content_type, headers, payload, created_at;
                        """;
                    command.Parameters.AddWithValue("$claim", claimId);
                    command.Parameters.AddWithValue("$until", (now + ClaimLease).ToUnixTimeMilliseconds());
                    command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
                    command.Parameters.AddWithValue("$max", maxMessages);
                    var claimed = new List<OutboxMessage>();
                    var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(token).ConfigureAwait(false))
                        {
                            claimed.Add(new OutboxMessage
                            {
                                Position = reader.GetInt64(0),
                                MessageId = Guid.Parse(reader.GetString(1)),
                                Topic = reader.GetString(2),
                                PartitionKey = reader.GetString(3),
                                ContentType = reader.GetString(4),
                                Headers = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(5)) ?? [],
                                Payload = (byte[])reader.GetValue(6),
                                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
                            });
                        }
                    }

                    // RETURNING does not promise an order.
                    claimed.Sort((a, b) => a.Position.CompareTo(b.Position));
                    return claimed;
                }
            },
            _timeProvider,
            cancellationToken).ConfigureAwait(false);
        return new Claim(this, claimId, messages);
    }

    /// <inheritdoc />
    public async Task<OutboxBacklog> GetBacklogAsync(CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = new SqliteConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*), MIN(created_at) FROM bulwark_outbox WHERE published_at IS NULL;";
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return new OutboxBacklog(reader.GetInt64(0), reader.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)));
            }
        }
    }

    /// <inheritdoc />
    public async Task<int> PurgePublishedAsync(DateTimeOffset publishedBefore, CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = new SqliteConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM bulwark_outbox WHERE published_at IS NOT NULL AND published_at < $before;";
            command.Parameters.AddWithValue("$before", publishedBefore.ToUnixTimeMilliseconds());
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _schema.Dispose();

    // Marks published rows and releases the rest in one short write. Not cancelled with the relay: the messages
    // left already, and an unmarked row is only published again, never lost.
    private async Task SettleAsync(string claimId, IReadOnlyCollection<long> publishedPositions, CancellationToken cancellationToken) =>
        await SqliteBusyRetry.RunAsync(
            async token =>
            {
                var connection = new SqliteConnection(_connectionString);
                await using (connection.ConfigureAwait(false))
                {
                    await connection.OpenAsync(token).ConfigureAwait(false);
                    var transaction = connection.BeginTransaction(deferred: false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        using (var mark = connection.CreateCommand())
                        {
                            mark.Transaction = transaction;
                            mark.CommandText = "UPDATE bulwark_outbox SET published_at = $now, claim_id = NULL, claimed_until = NULL WHERE position = $position AND claim_id = $claim;";
                            mark.Parameters.AddWithValue("$now", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
                            mark.Parameters.AddWithValue("$claim", claimId);
                            var position = mark.Parameters.Add("$position", SqliteType.Integer);
                            foreach (var published in publishedPositions)
                            {
                                position.Value = published;
                                await mark.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                            }
                        }

                        using (var release = connection.CreateCommand())
                        {
                            release.Transaction = transaction;
                            release.CommandText = "UPDATE bulwark_outbox SET claim_id = NULL, claimed_until = NULL WHERE claim_id = $claim;";
                            release.Parameters.AddWithValue("$claim", claimId);
                            await release.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                        }

                        await transaction.CommitAsync(token).ConfigureAwait(false);
                    }
                }
            },
            _timeProvider,
            cancellationToken).ConfigureAwait(false);

    private sealed class Claim(SqliteOutboxStore store, string claimId, IReadOnlyList<OutboxMessage> messages) : IOutboxClaim
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
            catch (SqliteException)
            {
            }
        }
    }
}
