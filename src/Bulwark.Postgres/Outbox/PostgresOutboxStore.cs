using System.Data.Common;
using System.Text.Json;
using Bulwark.Outbox;
using Npgsql;
using NpgsqlTypes;

namespace Bulwark.Postgres.Outbox;

/// <summary>
/// The outbox on PostgreSQL. A claim is one transaction that first takes a transaction-scoped advisory lock per
/// partition key (skipping keys another claim holds), then reads those keys' rows with <c>FOR UPDATE SKIP LOCKED</c>:
/// several relay instances drain the table in parallel, never publish a row twice under normal operation, and keep
/// per-key order.
/// </summary>
public sealed class PostgresOutboxStore : IOutbox, IOutboxStore, IDisposable
{
    internal const string Component = "outbox";

    // The advisory-lock space of outbox partition keys; keys hash into the second int (collisions only serialize).
    private const int PartitionLockSpace = 0x0B17_0016;

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE bulwark_outbox (
            position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            message_id uuid NOT NULL UNIQUE,
            topic text NOT NULL,
            partition_key text NOT NULL,
            content_type text NOT NULL,
            headers jsonb NOT NULL,
            payload bytea NOT NULL,
            created_at timestamptz NOT NULL,
            published_at timestamptz NULL);
        CREATE INDEX ix_bulwark_outbox_pending ON bulwark_outbox (position) WHERE published_at IS NULL;
        CREATE INDEX ix_bulwark_outbox_published ON bulwark_outbox (published_at) WHERE published_at IS NOT NULL;
        """,
    ];

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;
    private readonly PostgresSchemaGate _schema;

    /// <summary>Creates the store.</summary>
    /// <param name="dataSource">The database that also holds the business tables.</param>
    /// <param name="timeProvider">The clock for created/published stamps.</param>
    public PostgresOutboxStore(NpgsqlDataSource dataSource, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _dataSource = dataSource;
        _timeProvider = timeProvider;
        _schema = new PostgresSchemaGate(dataSource, Component, Migrations);
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
        if (connection is not NpgsqlConnection npgsql || transaction is not NpgsqlTransaction npgsqlTransaction)
        {
            throw new ArgumentException($"The PostgreSQL outbox needs an {nameof(NpgsqlConnection)} and its transaction, not {connection.GetType().Name}.", nameof(connection));
        }

        // A separate connection is fine here: the caller holds no lock on the outbox table before it exists.
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        options ??= new OutboxEnqueueOptions();
        var headers = options.Headers ?? new Dictionary<string, string>(StringComparer.Ordinal);
        var now = _timeProvider.GetUtcNow();
        var message = new OutboxMessage
        {
            MessageId = options.MessageId ?? Guid.CreateVersion7(now),
            Topic = topic,
            PartitionKey = partitionKey,
            ContentType = options.ContentType,
            Payload = payload,
            Headers = headers,
            CreatedAt = now,
        };

        using var command = new NpgsqlCommand("""
            INSERT INTO bulwark_outbox (message_id, topic, partition_key, content_type, headers, payload, created_at)
            VALUES (@id, @topic, @key, @type, @headers, @payload, @created)
            RETURNING position;
            """, npgsql, npgsqlTransaction);
        command.Parameters.AddWithValue("id", message.MessageId);
        command.Parameters.AddWithValue("topic", topic);
        command.Parameters.AddWithValue("key", partitionKey);
        command.Parameters.AddWithValue("type", message.ContentType);
        command.Parameters.AddWithValue("headers", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(headers));
        command.Parameters.AddWithValue("payload", payload.ToArray());
        command.Parameters.AddWithValue("created", now);
        var position = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return message with { Position = position };
    }

    /// <inheritdoc />
    public async Task<IOutboxClaim> ClaimAsync(int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        NpgsqlTransaction? transaction = null;
        try
        {
            transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            var keys = await LockKeysAsync(connection, transaction, maxMessages, cancellationToken).ConfigureAwait(false);
            if (keys.Count == 0)
            {
                return new Claim(connection, transaction, [], _timeProvider);
            }

            // A new statement, so a new snapshot: whoever held these keys before has committed, and every unpublished
            // row of the keys is visible in position order. No other claim can hold them until this one ends.
            using var command = new NpgsqlCommand("""
                SELECT position, message_id, topic, partition_key, content_type, headers::text, payload, created_at
                FROM bulwark_outbox
                WHERE published_at IS NULL AND partition_key = ANY(@keys)
                ORDER BY position
                LIMIT @max
                FOR UPDATE SKIP LOCKED;
                """, connection, transaction);
            command.Parameters.AddWithValue("keys", keys.ToArray());
            command.Parameters.AddWithValue("max", maxMessages);
            var messages = new List<OutboxMessage>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    messages.Add(Map(reader));
                }
            }

            return new Claim(connection, transaction, messages, _timeProvider);
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
    private static async Task<List<string>> LockKeysAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int maxMessages, CancellationToken cancellationToken)
    {
        // Look past the keys other relays probably hold so that this relay still finds work.
        var candidates = Math.Min(maxMessages * 4, 10_000) + 16;
        using var command = new NpgsqlCommand("""
            SELECT partition_key FROM (
                SELECT partition_key, MIN(position) AS first_position
                FROM bulwark_outbox WHERE published_at IS NULL
                GROUP BY partition_key ORDER BY first_position LIMIT @candidates) candidate
            WHERE pg_try_advisory_xact_lock(@space, hashtext(partition_key))
            ORDER BY first_position;
            """, connection, transaction);
        command.Parameters.AddWithValue("candidates", candidates);
        command.Parameters.AddWithValue("space", PartitionLockSpace);
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

    /// <inheritdoc />
    public async Task<OutboxBacklog> GetBacklogAsync(CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand("SELECT COUNT(*), MIN(created_at) FROM bulwark_outbox WHERE published_at IS NULL;");
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return new OutboxBacklog(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1));
        }
    }

    /// <inheritdoc />
    public async Task<int> PurgePublishedAsync(DateTimeOffset publishedBefore, CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand("DELETE FROM bulwark_outbox WHERE published_at IS NOT NULL AND published_at < @before;");
        command.Parameters.AddWithValue("before", publishedBefore.ToUniversalTime());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _schema.Dispose();

    /// <summary>Reads the still-unpublished messages at <paramref name="positions"/>, in position order (for the log-tailing relay).</summary>
    internal async Task<IReadOnlyList<OutboxMessage>> ReadUnpublishedAsync(IReadOnlyCollection<long> positions, CancellationToken cancellationToken)
    {
        using var command = _dataSource.CreateCommand("""
            SELECT position, message_id, topic, partition_key, content_type, headers::text, payload, created_at
            FROM bulwark_outbox WHERE position = ANY(@positions) AND published_at IS NULL ORDER BY position;
            """);
        command.Parameters.AddWithValue("positions", positions.ToArray());
        var messages = new List<OutboxMessage>(positions.Count);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                messages.Add(Map(reader));
            }
        }

        return messages;
    }

    /// <summary>Marks messages published outside a claim (for the log-tailing relay).</summary>
    internal async Task MarkPublishedAsync(IReadOnlyCollection<long> positions, CancellationToken cancellationToken)
    {
        if (positions.Count == 0)
        {
            return;
        }

        using var command = _dataSource.CreateCommand("UPDATE bulwark_outbox SET published_at = @now WHERE position = ANY(@positions) AND published_at IS NULL;");
        command.Parameters.AddWithValue("now", _timeProvider.GetUtcNow());
        command.Parameters.AddWithValue("positions", positions.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static OutboxMessage Map(NpgsqlDataReader reader) => new()
    {
        Position = reader.GetInt64(0),
        MessageId = reader.GetGuid(1),
        Topic = reader.GetString(2),
        PartitionKey = reader.GetString(3),
        ContentType = reader.GetString(4),
        Headers = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(5)) ?? [],
        Payload = reader.GetFieldValue<byte[]>(6),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(7),
    };

    private sealed class Claim(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<OutboxMessage> messages, TimeProvider timeProvider) : IOutboxClaim
    {
        public IReadOnlyList<OutboxMessage> Messages { get; } = messages;

        public async Task CompleteAsync(IReadOnlyCollection<long> publishedPositions, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(publishedPositions);
            if (publishedPositions.Count > 0)
            {
                using var command = new NpgsqlCommand("UPDATE bulwark_outbox SET published_at = @now WHERE position = ANY(@positions);", connection, transaction);
                command.Parameters.AddWithValue("now", timeProvider.GetUtcNow());
                command.Parameters.AddWithValue("positions", publishedPositions.ToArray());
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
