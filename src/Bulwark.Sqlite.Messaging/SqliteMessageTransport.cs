using Bulwark.Data;
using Bulwark.Data.Schema;
using Bulwark.Messaging;
using Bulwark.Messaging.DeadLetters;
using Bulwark.Messaging.Transport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Bulwark.Sqlite.Messaging;

/// <summary>
/// The embedded durable transport: queues, topic bindings and the dead-letter queue are tables in one SQLite file
/// (WAL). A delivery leases its row for the visibility timeout; ack deletes it, retry makes it visible later, and a
/// consumer that dies simply lets the lease expire, so nothing is lost across crashes and restarts.
/// </summary>
public sealed partial class SqliteMessageTransport : IMessageTransport, ISchemaOwner
{
    /// <summary>
    /// The transport's tables. Version 1 keeps <c>IF NOT EXISTS</c>: files created before the transport had a migration
    /// history already hold these tables.
    /// </summary>
    public static SchemaComponent Schema { get; } = new SchemaComponent("messaging").For(SqlDialectNames.Sqlite, """
        CREATE TABLE IF NOT EXISTS bulwark_mq_messages (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            queue TEXT NOT NULL,
            message_id TEXT NOT NULL,
            visible_at INTEGER NOT NULL,
            lease_id TEXT NULL,
            attempt INTEGER NOT NULL DEFAULT 0,
            metadata TEXT NOT NULL,
            body BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_bulwark_mq_messages_ready ON bulwark_mq_messages (queue, visible_at, seq);
        CREATE TABLE IF NOT EXISTS bulwark_mq_bindings (
            topic TEXT NOT NULL,
            queue TEXT NOT NULL,
            PRIMARY KEY (topic, queue)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS bulwark_mq_dead_letters (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            queue TEXT NOT NULL,
            message_id TEXT NOT NULL,
            message_type TEXT NOT NULL,
            metadata TEXT NOT NULL,
            body BLOB NOT NULL,
            reason TEXT NOT NULL,
            exception_type TEXT NULL,
            stack_trace TEXT NULL,
            attempts INTEGER NOT NULL,
            permanent INTEGER NOT NULL,
            dead_lettered_at INTEGER NOT NULL);
        """);

    private readonly string _path;
    private readonly SchemaGate _schema;
    private readonly SqliteTransportOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SqliteMessageTransport> _logger;
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SqliteWakeups.Signal _wakeup;
    private readonly SqliteDeadLetterStore _deadLetters;
    private readonly TransportConsumers<SqliteConsumer> _consumers = new();
    private bool _opened;

    /// <summary>Creates the transport; does no I/O (the file is created and migrated at start-up or on first use).</summary>
    /// <param name="options">The transport options.</param>
    /// <param name="timeProvider">The clock for leases and delays.</param>
    /// <param name="logger">The logger.</param>
    public SqliteMessageTransport(SqliteTransportOptions options, TimeProvider timeProvider, ILogger<SqliteMessageTransport> logger)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _path = Path.GetFullPath(options.DatabasePath);
        _wakeup = SqliteWakeups.For(_path);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false, DefaultTimeout = 30 }.ToString();
        _connection = new SqliteConnection(connectionString);
        _schema = new SchemaGate(SqliteDataSource.CreateDatabase(connectionString), Schema, timeProvider);
        _deadLetters = new SqliteDeadLetterStore(this);
    }

    /// <inheritdoc/>
    public string Name => "sqlite";

    /// <summary>Creates the database file when missing and brings its tables to the latest schema; safe on every start.</summary>
    /// <param name="cancellationToken">Cancels the migration.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public IDeadLetterStore DeadLetters => _deadLetters;

    internal TimeProvider TimeProvider => _timeProvider;

    internal long Now => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    /// <inheritdoc/>
    public async Task PublishAsync(string topic, MessageEnvelope envelope, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(envelope);
        await WithConnectionAsync(
            connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = """
                    INSERT INTO bulwark_mq_messages (queue, message_id, visible_at, attempt, metadata, body)
                    SELECT queue, $id, $now, 0, $metadata, $body FROM bulwark_mq_bindings WHERE topic = $topic
                    """;
                command.Parameters.AddWithValue("$topic", topic);
                AddEnvelope(command, envelope);
                return command.ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false);
        _wakeup.Notify();
    }

    /// <inheritdoc/>
    public async Task SendAsync(string queue, MessageEnvelope envelope, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        ArgumentNullException.ThrowIfNull(envelope);
        await WithConnectionAsync(connection => Insert(connection, queue, envelope, Now), cancellationToken).ConfigureAwait(false);
        _wakeup.Notify();
    }

    /// <inheritdoc/>
    public async Task<IAsyncDisposable> ConsumeAsync(ConsumerEndpoint endpoint, Func<TransportDelivery, CancellationToken, Task> onDelivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(onDelivery);
        await WithConnectionAsync(
            connection =>
            {
                foreach (var topic in endpoint.Topics)
                {
                    using var command = connection.CreateCommand();
                    command.CommandText = "INSERT OR IGNORE INTO bulwark_mq_bindings (topic, queue) VALUES ($topic, $queue)";
                    command.Parameters.AddWithValue("$topic", topic);
                    command.Parameters.AddWithValue("$queue", endpoint.Queue);
                    command.ExecuteNonQuery();
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
        var consumer = new SqliteConsumer(this, endpoint, onDelivery);
        _consumers.Add(consumer, this);

        consumer.Start();
        return consumer;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!await _consumers.DisposeAllAsync().ConfigureAwait(false))
        {
            return;
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _connection.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    internal void Forget(SqliteConsumer consumer) => _consumers.Forget(consumer);

    internal async Task<T> WithConnectionAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        // One connection per transport, one statement at a time: SQLite has one writer anyway, and queuing here
        // is cheaper than spinning on SQLITE_BUSY. Other processes on the same file rely on busy_timeout.
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_consumers.IsDisposed && _connection.State != System.Data.ConnectionState.Open, this);
            if (!_opened)
            {
                await OpenAsync(cancellationToken).ConfigureAwait(false);
            }

            return work(_connection);
        }
        finally
        {
            _gate.Release();
        }
    }

    internal async Task<IReadOnlyList<SqliteDelivery>> LeaseAsync(string queue, int count, CancellationToken cancellationToken)
    {
        var leaseId = Guid.NewGuid().ToString("N");
        return await WithConnectionAsync<IReadOnlyList<SqliteDelivery>>(
            connection =>
            {
                var now = Now;
                using var command = connection.CreateCommand();
                command.CommandText = """
                    UPDATE bulwark_mq_messages SET lease_id = $lease, visible_at = $until, attempt = attempt + 1
                    WHERE seq IN (SELECT seq FROM bulwark_mq_messages WHERE queue = $queue AND visible_at <= $now ORDER BY visible_at, seq LIMIT $count)
                    RETURNING seq, attempt, metadata, body
                    """;
                command.Parameters.AddWithValue("$lease", leaseId);
                command.Parameters.AddWithValue("$until", now + (long)_options.VisibilityTimeout.TotalMilliseconds);
                command.Parameters.AddWithValue("$queue", queue);
                command.Parameters.AddWithValue("$now", now);
                command.Parameters.AddWithValue("$count", count);
                using var reader = command.ExecuteReader();
                var deliveries = new List<SqliteDelivery>();
                while (reader.Read())
                {
                    var envelope = EnvelopeJson.Read(reader.GetString(2), (byte[])reader.GetValue(3), reader.GetInt32(1));
                    deliveries.Add(new SqliteDelivery(this, queue, reader.GetInt64(0), leaseId, envelope));
                }

                deliveries.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
                return deliveries;
            },
            cancellationToken).ConfigureAwait(false);
    }

    internal Task<long?> NextVisibleAtAsync(string queue, CancellationToken cancellationToken) =>
        WithConnectionAsync(
            connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT MIN(visible_at) FROM bulwark_mq_messages WHERE queue = $queue";
                command.Parameters.AddWithValue("$queue", queue);
                return command.ExecuteScalar() is long value ? value : (long?)null;
            },
            cancellationToken);

    internal async Task WaitForWorkAsync(string queue, CancellationToken cancellationToken)
    {
        var wait = _options.PollInterval;
        if (await NextVisibleAtAsync(queue, cancellationToken).ConfigureAwait(false) is { } next)
        {
            var untilDue = TimeSpan.FromMilliseconds(Math.Max(0, next - Now));
            wait = untilDue < wait ? untilDue : wait;
        }

        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(wait, _timeProvider, timeout.Token);
        await Task.WhenAny(delay, _wakeup.Next).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    internal async Task<bool> SettleAsync(SqliteDelivery delivery, string sql, Action<SqliteCommand>? parameters, CancellationToken cancellationToken)
    {
        var changed = await WithConnectionAsync(
            connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                command.Parameters.AddWithValue("$seq", delivery.Sequence);
                command.Parameters.AddWithValue("$lease", delivery.LeaseId);
                parameters?.Invoke(command);
                return command.ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false);
        if (changed == 0)
        {
            // The lease expired and another consumer owns the message now; it will be settled there.
            LogLeaseLost(_logger, delivery.Envelope.MessageId, delivery.Queue);
        }

        return changed > 0;
    }

    internal async Task DeadLetterAsync(SqliteDelivery delivery, DeadLetterReason reason, CancellationToken cancellationToken)
    {
        var moved = await WithConnectionAsync(
            connection =>
            {
                using var transaction = connection.BeginTransaction();
                using var delete = connection.CreateCommand();
                delete.Transaction = transaction;
                delete.CommandText = "DELETE FROM bulwark_mq_messages WHERE seq = $seq AND lease_id = $lease";
                delete.Parameters.AddWithValue("$seq", delivery.Sequence);
                delete.Parameters.AddWithValue("$lease", delivery.LeaseId);
                if (delete.ExecuteNonQuery() == 0)
                {
                    transaction.Rollback();
                    return false;
                }

                using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT INTO bulwark_mq_dead_letters (queue, message_id, message_type, metadata, body, reason, exception_type, stack_trace, attempts, permanent, dead_lettered_at)
                    VALUES ($queue, $id, $type, $metadata, $body, $reason, $exceptionType, $stackTrace, $attempts, $permanent, $now)
                    """;
                insert.Parameters.AddWithValue("$queue", delivery.Queue);
                AddEnvelope(insert, delivery.Envelope);
                insert.Parameters.AddWithValue("$type", delivery.Envelope.MessageType);
                insert.Parameters.AddWithValue("$reason", reason.Reason);
                insert.Parameters.AddWithValue("$exceptionType", (object?)reason.ExceptionType ?? DBNull.Value);
                insert.Parameters.AddWithValue("$stackTrace", (object?)reason.StackTrace ?? DBNull.Value);
                insert.Parameters.AddWithValue("$attempts", reason.Attempts);
                insert.Parameters.AddWithValue("$permanent", reason.Permanent ? 1 : 0);
                insert.Parameters["$now"].Value = Now;
                insert.ExecuteNonQuery();
                transaction.Commit();
                return true;
            },
            cancellationToken).ConfigureAwait(false);
        if (!moved)
        {
            LogLeaseLost(_logger, delivery.Envelope.MessageId, delivery.Queue);
        }
    }

    internal int Insert(SqliteConnection connection, string queue, MessageEnvelope envelope, long visibleAt, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO bulwark_mq_messages (queue, message_id, visible_at, attempt, metadata, body) VALUES ($queue, $id, $now, 0, $metadata, $body)";
        command.Parameters.AddWithValue("$queue", queue);
        AddEnvelope(command, envelope);
        command.Parameters["$now"].Value = visibleAt;
        return command.ExecuteNonQuery();
    }

    internal void Notify() => _wakeup.Notify();

    internal void LogConsumerFault(string queue, Exception exception) => LogConsumerError(_logger, queue, exception);

    private void AddEnvelope(SqliteCommand command, MessageEnvelope envelope)
    {
        command.Parameters.AddWithValue("$id", envelope.MessageId);
        command.Parameters.AddWithValue("$metadata", EnvelopeJson.Metadata(envelope));
        command.Parameters.AddWithValue("$body", envelope.Body.ToArray());
        if (!command.Parameters.Contains("$now"))
        {
            command.Parameters.AddWithValue("$now", Now);
        }
    }

    // Under _gate: the first statement opens the transport's own connection, after the schema is current.
    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        await MigrateAsync(cancellationToken).ConfigureAwait(false);
        await _connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = _connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        _opened = true;
    }
}
