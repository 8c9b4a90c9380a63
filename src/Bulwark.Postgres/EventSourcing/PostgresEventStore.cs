using Bulwark.EventSourcing;
using Npgsql;

namespace Bulwark.Postgres.EventSourcing;

/// <summary>
/// Event streams, snapshots and projection checkpoints on PostgreSQL. Appends hold a transaction-scoped advisory
/// lock, so positions are assigned in commit order and a projection reading "after position N" never skips an
/// event that commits late; the version check plus the (stream, version) unique key make concurrent writers to
/// one stream fail with <see cref="ConcurrencyConflictException"/>.
/// </summary>
public sealed class PostgresEventStore : IEventStore, ISnapshotStore, ISnapshotStreamReader, ICheckpointStore, IDisposable
{
    internal const string Component = "events";

    // The advisory lock that orders appends; one value for the whole event log.
    private const long AppendLock = 0x0B17_0013;

    private const string EventColumns = "stream_id, version, position, event_id, event_type, data, metadata, recorded_at";

    // One statement, one round trip: the newest usable snapshot as a row without a position, then the events after
    // it; ordered by version, the snapshot comes first. Reads are prepared: Npgsql keeps a prepared statement on the
    // pooled physical connection, so only the first read per connection pays for it and every later one skips the
    // server's parse and plan.
    private const string ReadFromSnapshotSql = $"""
        WITH snapshot AS (
            SELECT version, data FROM bulwark_snapshots
            WHERE stream_id = @stream AND snapshot_type = @type AND version <= @to ORDER BY version DESC LIMIT 1)
        SELECT NULL AS stream_id, version, NULL AS position, NULL AS event_id, NULL AS event_type, data, NULL AS metadata, NULL AS recorded_at
        FROM snapshot
        UNION ALL
        SELECT {EventColumns} FROM bulwark_events
        WHERE stream_id = @stream AND version <= @to AND version > COALESCE((SELECT version FROM snapshot), 0)
        ORDER BY version;
        """;

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE bulwark_events (
            position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            stream_id text NOT NULL,
            version bigint NOT NULL,
            event_id uuid NOT NULL UNIQUE,
            event_type text NOT NULL,
            data bytea NOT NULL,
            metadata bytea NULL,
            recorded_at timestamptz NOT NULL,
            UNIQUE (stream_id, version));
        CREATE TABLE bulwark_snapshots (
            stream_id text NOT NULL,
            version bigint NOT NULL,
            snapshot_type text NOT NULL,
            data bytea NOT NULL,
            PRIMARY KEY (stream_id, version));
        CREATE TABLE bulwark_projection_checkpoints (
            projection text PRIMARY KEY,
            position bigint NOT NULL);
        """,
    ];

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;
    private readonly PostgresSchemaGate _schema;

    /// <summary>Creates the store.</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="timeProvider">The clock for recorded-at stamps.</param>
    public PostgresEventStore(NpgsqlDataSource dataSource, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _dataSource = dataSource;
        _timeProvider = timeProvider;
        _schema = new PostgresSchemaGate(dataSource, Component, Migrations);
    }

    /// <summary>Creates or upgrades the tables; safe to call on every start.</summary>
    /// <param name="cancellationToken">Cancels the migration.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    public Task MigrateAsync(CancellationToken cancellationToken = default) => _schema.EnsureAsync(cancellationToken).AsTask();

    /// <inheritdoc />
    public async Task<AppendResult> AppendAsync(string streamId, long expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfLessThan(expectedVersion, ExpectedVersion.Any);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                long actual;
                using (var current = new NpgsqlCommand(
                    "SELECT pg_advisory_xact_lock(@lock); SELECT COALESCE(MAX(version), 0) FROM bulwark_events WHERE stream_id = @stream;",
                    connection,
                    transaction))
                {
                    current.Parameters.AddWithValue("lock", AppendLock);
                    current.Parameters.AddWithValue("stream", streamId);
                    var reader = await current.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                        actual = reader.GetInt64(0);
                    }
                }

                if (expectedVersion != ExpectedVersion.Any && actual != expectedVersion)
                {
                    throw new ConcurrencyConflictException(streamId, expectedVersion, actual);
                }

                var recordedAt = _timeProvider.GetUtcNow();
                using var batch = new NpgsqlBatch(connection, transaction);
                foreach (var @event in events)
                {
                    var command = new NpgsqlBatchCommand("""
                        INSERT INTO bulwark_events (stream_id, version, event_id, event_type, data, metadata, recorded_at)
                        VALUES (@stream, @version, @id, @type, @data, @metadata, @recorded) RETURNING position;
                        """);
                    command.Parameters.AddWithValue("stream", streamId);
                    command.Parameters.AddWithValue("version", ++actual);
                    command.Parameters.AddWithValue("id", @event.EventId);
                    command.Parameters.AddWithValue("type", @event.EventType);
                    command.Parameters.AddWithValue("data", @event.Data.ToArray());
                    command.Parameters.AddWithValue("metadata", @event.Metadata.IsEmpty ? DBNull.Value : @event.Metadata.ToArray());
                    command.Parameters.AddWithValue("recorded", recordedAt);
                    batch.BatchCommands.Add(command);
                }

                long position = 0;
                try
                {
                    var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        do
                        {
                            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                            {
                                position = reader.GetInt64(0);
                            }
                        }
                        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
                    }
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName?.Contains("stream_id", StringComparison.Ordinal) == true)
                {
                    // Only reachable with ExpectedVersion.Any racing another writer outside the append lock's order.
                    throw new ConcurrencyConflictException(streamId, expectedVersion, actual);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new AppendResult(actual, position);
            }
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, long? toVersion, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        return QueryAsync(
            "WHERE stream_id = @stream AND version >= @from AND version <= @to ORDER BY version",
            command =>
            {
                command.Parameters.AddWithValue("stream", streamId);
                command.Parameters.AddWithValue("from", fromVersion);
                command.Parameters.AddWithValue("to", toVersion ?? long.MaxValue);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterPosition, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        return QueryAsync(
            "WHERE position > @after ORDER BY position LIMIT @max",
            command =>
            {
                command.Parameters.AddWithValue("after", afterPosition);
                command.Parameters.AddWithValue("max", maxCount);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<long> GetHeadPositionAsync(CancellationToken cancellationToken) =>
        (long)(await ScalarAsync("SELECT COALESCE(MAX(position), 0) FROM bulwark_events;", _ => { }, cancellationToken).ConfigureAwait(false))!;

    /// <inheritdoc />
    public async Task SaveSnapshotAsync(Snapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        await ScalarAsync(
            "INSERT INTO bulwark_snapshots (stream_id, version, snapshot_type, data) VALUES (@stream, @version, @type, @data) ON CONFLICT DO NOTHING;",
            command =>
            {
                command.Parameters.AddWithValue("stream", snapshot.StreamId);
                command.Parameters.AddWithValue("version", snapshot.Version);
                command.Parameters.AddWithValue("type", snapshot.SnapshotType);
                command.Parameters.AddWithValue("data", snapshot.Data.ToArray());
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Snapshot?> LoadSnapshotAsync(string streamId, long? maxVersion, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand("""
            SELECT version, snapshot_type, data FROM bulwark_snapshots
            WHERE stream_id = @stream AND version <= @max ORDER BY version DESC LIMIT 1;
            """);
        command.Parameters.AddWithValue("stream", streamId);
        command.Parameters.AddWithValue("max", maxVersion ?? long.MaxValue);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new Snapshot(streamId, reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2))
                : null;
        }
    }

    /// <inheritdoc />
    public async Task<SnapshotAndEvents> ReadFromSnapshotAsync(string streamId, string snapshotType, long? toVersion, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(snapshotType);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand(ReadFromSnapshotSql, connection);
            command.Parameters.AddWithValue("stream", streamId);
            command.Parameters.AddWithValue("type", snapshotType);
            command.Parameters.AddWithValue("to", toVersion ?? long.MaxValue);
            await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                Snapshot? snapshot = null;
                var events = new List<RecordedEvent>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (reader.IsDBNull(2))
                    {
                        snapshot = new Snapshot(streamId, reader.GetInt64(1), snapshotType, reader.GetFieldValue<byte[]>(5));
                    }
                    else
                    {
                        events.Add(ReadEvent(reader));
                    }
                }

                return new SnapshotAndEvents(snapshot, events);
            }
        }
    }

    /// <inheritdoc />
    public async Task<long> GetCheckpointAsync(string projection, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(projection);
        var value = await ScalarAsync(
            "SELECT position FROM bulwark_projection_checkpoints WHERE projection = @name;",
            command => command.Parameters.AddWithValue("name", projection),
            cancellationToken).ConfigureAwait(false);
        return value is long position ? position : 0;
    }

    /// <inheritdoc />
    public async Task SaveCheckpointAsync(string projection, long position, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(projection);
        await ScalarAsync(
            "INSERT INTO bulwark_projection_checkpoints (projection, position) VALUES (@name, @position) ON CONFLICT (projection) DO UPDATE SET position = excluded.position;",
            command =>
            {
                command.Parameters.AddWithValue("name", projection);
                command.Parameters.AddWithValue("position", position);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _schema.Dispose();

    private async Task<IReadOnlyList<RecordedEvent>> QueryAsync(string where, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand($"SELECT {EventColumns} FROM bulwark_events {where};", connection);
            bind(command);
            await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await ReadEventsAsync(reader, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<IReadOnlyList<RecordedEvent>> ReadEventsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var events = new List<RecordedEvent>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(ReadEvent(reader));
        }

        return events;
    }

    private static RecordedEvent ReadEvent(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt64(1),
        reader.GetInt64(2),
        reader.GetGuid(3),
        reader.GetString(4),
        reader.GetFieldValue<byte[]>(5),
        reader.IsDBNull(6) ? ReadOnlyMemory<byte>.Empty : reader.GetFieldValue<byte[]>(6),
        reader.GetFieldValue<DateTimeOffset>(7));

    private async Task<object?> ScalarAsync(string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand(sql);
        bind(command);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}
