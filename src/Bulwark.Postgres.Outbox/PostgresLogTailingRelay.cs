using Bulwark.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;

namespace Bulwark.Postgres.Outbox;

/// <summary>
/// The low-latency outbox relay: it tails PostgreSQL's write-ahead log through a logical replication slot
/// (<c>pgoutput</c>) instead of polling. Committed outbox inserts arrive in commit order; each transaction's messages
/// are published, marked published, and only then acknowledged to the slot, so a crash replays them (at least once).
/// One relay per slot is active at a time (the server refuses a second), which keeps per-key order; run a polling
/// <see cref="OutboxRelay"/> as well if messages written before the slot existed must go out.
/// </summary>
public sealed partial class PostgresLogTailingRelay : BackgroundService
{
    private readonly SqlOutboxStore _store;
    private readonly IOutboxTransport _transport;
    private readonly PostgresLogTailingOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates the relay.</summary>
    /// <param name="store">The outbox store (reads rows, marks them published).</param>
    /// <param name="transport">Where messages are published.</param>
    /// <param name="options">Slot, publication and connection.</param>
    /// <param name="timeProvider">The clock for reconnect delays.</param>
    /// <param name="logger">The logger.</param>
    public PostgresLogTailingRelay(
        SqlOutboxStore store,
        IOutboxTransport transport,
        IOptions<PostgresLogTailingOptions> options,
        TimeProvider timeProvider,
        ILogger<PostgresLogTailingRelay> logger)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        _options = options?.Value ?? throw new ArgumentNullException(nameof(options));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Completes once the publication and slot exist and streaming has started: inserts committed after it are relayed.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Drops the replication slot (decommissioning), so the server stops retaining WAL for it. Stop the relay first.</summary>
    /// <param name="cancellationToken">Cancels the drop.</param>
    /// <returns>A task that completes when the slot is gone.</returns>
    public async Task DropSlotAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_options.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var drop = new NpgsqlCommand("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = @slot;", connection);
            drop.Parameters.AddWithValue("slot", _options.SlotName);
            await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TailAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Nothing unacknowledged is lost: the slot replays from the last acknowledged commit.
                LogTailFailed(_logger, e, _options.SlotName);
                try
                {
                    await Task.Delay(_options.ReconnectDelay, _timeProvider, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private async Task TailAsync(CancellationToken cancellationToken)
    {
        await _store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await EnsurePublicationAndSlotAsync(cancellationToken).ConfigureAwait(false);
        var replication = new LogicalReplicationConnection(_options.ConnectionString);
        await using (replication.ConfigureAwait(false))
        {
            await replication.Open(cancellationToken).ConfigureAwait(false);
            var positions = new List<long>();
            var stream = replication.StartReplication(
                new PgOutputReplicationSlot(_options.SlotName),
                new PgOutputReplicationOptions(_options.PublicationName, PgOutputProtocolVersion.V1),
                cancellationToken);
            LogTailing(_logger, _options.SlotName);
            _ready.TrySetResult();
            await foreach (var message in stream.ConfigureAwait(false))
            {
                switch (message)
                {
                    case BeginMessage:
                        positions.Clear();
                        break;
                    case InsertMessage insert:
                        positions.Add(await ReadPositionAsync(insert, cancellationToken).ConfigureAwait(false));
                        break;
                    case CommitMessage:
                        if (positions.Count > 0)
                        {
                            await PublishAsync(positions, cancellationToken).ConfigureAwait(false);
                        }

                        // Acknowledged only after publishing: a crash before this line replays the transaction.
                        replication.SetReplicationStatus(message.WalEnd);
                        break;
                }
            }
        }
    }

    private static async Task<long> ReadPositionAsync(InsertMessage insert, CancellationToken cancellationToken)
    {
        // Only the position is read from the log; the row itself comes from the table, with the same mapping as the poller.
        long? position = null;
        await foreach (var value in insert.NewRow.ConfigureAwait(false))
        {
            if (position is null && value.GetFieldName() == "position")
            {
                position = long.Parse(await value.Get<string>(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return position ?? throw new InvalidOperationException("An outbox insert in the log has no position column.");
    }

    private async Task PublishAsync(List<long> positions, CancellationToken cancellationToken)
    {
        var messages = await _store.ReadUnpublishedAsync(positions, cancellationToken).ConfigureAwait(false);
        var published = new List<long>(messages.Count);
        foreach (var message in messages)
        {
            await _transport.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            published.Add(message.Position);
        }

        await _store.MarkPublishedAsync(published, cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsurePublicationAndSlotAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_options.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // Names are validated by the options' pattern, so they are safe to inline where DDL takes no parameters.
            using (var publication = new NpgsqlCommand(
                $"""
                DO $$ BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = '{_options.PublicationName}') THEN
                        CREATE PUBLICATION {_options.PublicationName} FOR TABLE bulwark_outbox WITH (publish = 'insert');
                    END IF;
                END $$;
                """,
                connection))
            {
                await publication.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            using var slot = new NpgsqlCommand(
                "SELECT pg_create_logical_replication_slot(@slot, 'pgoutput') WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = @slot);",
                connection);
            slot.Parameters.AddWithValue("slot", _options.SlotName);
            await slot.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 1610, Level = LogLevel.Information, Message = "Outbox log tailing started on slot {Slot}")]
    private static partial void LogTailing(ILogger logger, string slot);

    [LoggerMessage(EventId = 1611, Level = LogLevel.Error, Message = "Outbox log tailing on slot {Slot} failed; reconnecting after the delay")]
    private static partial void LogTailFailed(ILogger logger, Exception exception, string slot);
}
