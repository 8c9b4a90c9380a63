using System.Data.Common;
using System.Text.Json;
using Bulwark.Outbox;
using Microsoft.Data.Sqlite;

namespace Bulwark.Sqlite.Outbox;

/// <summary>
/// The outbox on SQLite: <see cref="IOutbox"/> writes into the caller's transaction; <see cref="IOutboxStore"/>
/// claims under SQLite's single write lock (<c>BEGIN IMMEDIATE</c>), so relays in several processes on one file
/// take turns and per-key order holds.
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
    ];

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
        var connection = new SqliteConnection(_connectionString);
        SqliteTransaction? transaction = null;
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            transaction = connection.BeginTransaction(deferred: false);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                SELECT position, message_id, topic, partition_key, content_type, headers, payload, created_at
                FROM bulwark_outbox WHERE published_at IS NULL ORDER BY position LIMIT $max;
                """;
            command.Parameters.AddWithValue("$max", maxMessages);
            var messages = new List<OutboxMessage>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    messages.Add(new OutboxMessage
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

    private sealed class Claim(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<OutboxMessage> messages, TimeProvider timeProvider) : IOutboxClaim
    {
        public IReadOnlyList<OutboxMessage> Messages { get; } = messages;

        public async Task CompleteAsync(IReadOnlyCollection<long> publishedPositions, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(publishedPositions);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE bulwark_outbox SET published_at = $now WHERE position = $position;";
            command.Parameters.AddWithValue("$now", timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
            var position = command.Parameters.Add("$position", SqliteType.Integer);
            foreach (var published in publishedPositions)
            {
                position.Value = published;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            // Disposing an uncommitted transaction rolls it back: the claim is released and nothing is marked.
            await transaction.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
