using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bulwark.Data;
using Bulwark.Data.Schema;

namespace Bulwark.Outbox;

/// <summary>
/// The outbox on a SQL database: <see cref="IOutbox"/> writes into the caller's transaction; <see cref="IOutboxStore"/>
/// claims rows for a relay, in order per partition key, with several relays (processes) draining at once. How a claim
/// holds its rows is the one thing the databases truly differ in (<see cref="SqlConcurrency"/>): a short lease on a
/// single-writer database (<see cref="ClaimLeasesAsync"/>), row and advisory locks where the database has them
/// (<see cref="ClaimLockedAsync"/>).
/// </summary>
public sealed partial class SqlOutboxStore : SqlStore, IOutbox, IOutboxStore
{
    /// <summary>The outbox table's schema.</summary>
    public static SchemaComponent Schema { get; } = new SchemaComponent("outbox")
        .For(
            SqlDialectNames.Sqlite,
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
            // The lease columns of the single-writer claim.
            """
            ALTER TABLE bulwark_outbox ADD COLUMN claim_id TEXT NULL;
            ALTER TABLE bulwark_outbox ADD COLUMN claimed_until INTEGER NULL;
            CREATE INDEX ix_bulwark_outbox_pending_key ON bulwark_outbox (partition_key, position) WHERE published_at IS NULL;
            """)
        .For(
            SqlDialectNames.Postgres,
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
            """);

    /// <summary>
    /// On a single-writer database, how long a claim holds its rows before another relay may take them (a crashed
    /// relay's rows come back).
    /// </summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(2);

    private const string MessageColumns = "position, message_id, topic, partition_key, content_type, headers, payload, created_at";


    /// <summary>Creates the store; does no I/O.</summary>
    /// <param name="database">The database that also holds the business tables.</param>
    /// <param name="timeProvider">The clock for created/published stamps and leases.</param>
    public SqlOutboxStore(SqlDatabase database, TimeProvider timeProvider)
        : base(database, Schema, timeProvider)
    {
    }

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
        await Gate.EnsureWithinAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        options ??= new OutboxEnqueueOptions();
        var headers = WithTraceContext(options.Headers);
        var now = Clock.GetUtcNow();
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

        using var command = connection.CreateCommand(
                """
                INSERT INTO bulwark_outbox (message_id, topic, partition_key, content_type, headers, payload, created_at)
                VALUES (@id, @topic, @key, @type, @headers, @payload, @created)
                RETURNING position;
                """,
                transaction)
            .With("id", Dialect.Uuid(message.MessageId))
            .With("topic", topic)
            .With("key", partitionKey)
            .With("type", message.ContentType);
        Dialect.WithJson(command, "headers", JsonSerializer.Serialize(headers))
            .With("payload", payload.ToArray())
            .With("created", Dialect.Timestamp(now));
        var position = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        return message with { Position = position };
    }

    /// <summary>
    /// The headers to store: the caller's, plus the W3C trace context (<c>traceparent</c>, <c>tracestate</c>,
    /// <c>baggage</c>) of the span writing the row. Captured here, at the business write, because the relay publishes
    /// later on a background loop whose span belongs to no request: read then, the consumer would start a new trace.
    /// A header the caller set already wins.
    /// </summary>
    private static IReadOnlyDictionary<string, string> WithTraceContext(IReadOnlyDictionary<string, string>? headers)
    {
        if (Activity.Current is not { } activity)
        {
            return headers ?? new Dictionary<string, string>(StringComparer.Ordinal);
        }

        var stored = headers is null
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : new Dictionary<string, string>(headers, StringComparer.Ordinal);
        DistributedContextPropagator.Current.Inject(
            activity,
            stored,
            static (carrier, name, value) =>
            {
                if (carrier is Dictionary<string, string> target && value is not null)
                {
                    target.TryAdd(name, value);
                }
            });
        return stored;
    }

    /// <inheritdoc />
    public async Task<IOutboxClaim> ClaimAsync(int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        await Gate.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return Dialect.Concurrency == SqlConcurrency.RowLocks
            ? await ClaimLockedAsync(maxMessages, cancellationToken).ConfigureAwait(false)
            : await ClaimLeasesAsync(maxMessages, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<OutboxBacklog> GetBacklogAsync(CancellationToken cancellationToken)
    {
        await Gate.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await Database.RunAsync(
            async (connection, token) =>
            {
                using var command = connection.CreateCommand("SELECT COUNT(*), MIN(created_at) FROM bulwark_outbox WHERE published_at IS NULL;");
                var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    await reader.ReadAsync(token).ConfigureAwait(false);
                    return new OutboxBacklog(reader.GetInt64(0), reader.IsDBNull(1) ? null : Dialect.ReadTimestamp(reader, 1));
                }
            },
            Clock,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> PurgePublishedAsync(DateTimeOffset publishedBefore, CancellationToken cancellationToken)
    {
        return await ExecuteAsync(
            "DELETE FROM bulwark_outbox WHERE published_at IS NOT NULL AND published_at < @before;",
            command => command.With("before", Dialect.Timestamp(publishedBefore)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the still-unpublished messages at <paramref name="positions"/>, in position order, for a relay that learns
    /// positions elsewhere (PostgreSQL's log-tailing relay).
    /// </summary>
    /// <param name="positions">The positions.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The messages still unpublished.</returns>
    public async Task<IReadOnlyList<OutboxMessage>> ReadUnpublishedAsync(IReadOnlyCollection<long> positions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(positions);
        if (positions.Count == 0)
        {
            return [];
        }

        var connection = await Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand(
                $"SELECT {MessageColumns} FROM bulwark_outbox WHERE position IN ({InList(positions)}) AND published_at IS NULL ORDER BY position;");
            return await ReadMessagesAsync(command, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Marks messages published outside a claim (for the log-tailing relay).</summary>
    /// <param name="positions">The positions published.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task that completes when they are marked.</returns>
    public async Task MarkPublishedAsync(IReadOnlyCollection<long> positions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(positions);
        if (positions.Count == 0)
        {
            return;
        }

        await Database.RunAsync(
            async (connection, token) =>
            {
                using var command = connection.CreateCommand($"UPDATE bulwark_outbox SET published_at = @now WHERE position IN ({InList(positions)}) AND published_at IS NULL;")
                    .With("now", Dialect.Timestamp(Clock.GetUtcNow()));
                return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            },
            Clock,
            cancellationToken).ConfigureAwait(false);
    }


    // Positions are numbers the store handed out, so inlining them is safe and needs no array parameter (SQLite has none).
    private static string InList(IEnumerable<long> positions) => string.Join(",", positions.Select(p => p.ToString(CultureInfo.InvariantCulture)));

    private async Task<List<OutboxMessage>> ReadMessagesAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var messages = new List<OutboxMessage>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                messages.Add(new OutboxMessage
                {
                    Position = reader.GetInt64(0),
                    MessageId = Dialect.ReadUuid(reader, 1),
                    Topic = reader.GetString(2),
                    PartitionKey = reader.GetString(3),
                    ContentType = reader.GetString(4),
                    Headers = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(5)) ?? [],
                    Payload = reader.GetFieldValue<byte[]>(6),
                    CreatedAt = Dialect.ReadTimestamp(reader, 7),
                });
            }
        }

        return messages;
    }
}
