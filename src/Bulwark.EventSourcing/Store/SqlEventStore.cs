using System.Data.Common;
using System.Globalization;
using Bulwark.Data;
using Bulwark.Data.Schema;

namespace Bulwark.EventSourcing;

/// <summary>
/// Event streams, snapshots and projection checkpoints on a SQL database (any <see cref="SqlDialect"/>). Appends are
/// serialized for the whole log (SQLite's single write lock taken up front; a transaction-scoped advisory lock on
/// PostgreSQL), so positions follow commit order and a projection reading "after position N" never skips an event
/// that commits late; the version check under that lock makes concurrent writers to one stream fail with
/// <see cref="ConcurrencyConflictException"/>.
/// </summary>
public sealed class SqlEventStore : SqlStore, IEventStore, ISnapshotStore, ISnapshotStreamReader, ICheckpointStore
{
    /// <summary>The events, snapshots and checkpoints tables' schema (the scripts the per-database stores shipped).</summary>
    public static SchemaComponent Schema { get; } = new SchemaComponent("events")
        .For(SqlDialectNames.Sqlite, """
            CREATE TABLE bulwark_events (
                position INTEGER PRIMARY KEY AUTOINCREMENT,
                stream_id TEXT NOT NULL,
                version INTEGER NOT NULL,
                event_id TEXT NOT NULL UNIQUE,
                event_type TEXT NOT NULL,
                data BLOB NOT NULL,
                metadata BLOB NULL,
                recorded_at INTEGER NOT NULL,
                UNIQUE (stream_id, version));
            CREATE TABLE bulwark_snapshots (
                stream_id TEXT NOT NULL,
                version INTEGER NOT NULL,
                snapshot_type TEXT NOT NULL,
                data BLOB NOT NULL,
                PRIMARY KEY (stream_id, version));
            CREATE TABLE bulwark_projection_checkpoints (
                projection TEXT PRIMARY KEY,
                position INTEGER NOT NULL);
            """)
        .For(SqlDialectNames.Postgres, """
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
            """);

    // The advisory lock that orders appends on a row-locking database; one value for the whole event log.
    private static readonly SqlWriterLock AppendLock = SqlWriterLock.Of(0x0B17_0013);

    // Streams per statement when a call names many: well under SQLite's 32,766 parameters and PostgreSQL's 65,535.
    private const int StreamsPerStatement = 500;

    private readonly ISqlWriteGuard? _guard;

    private const string EventColumns = "stream_id, version, position, event_id, event_type, data, metadata, recorded_at";

    private const string InsertEventSql = """
        INSERT INTO bulwark_events (stream_id, version, event_id, event_type, data, metadata, recorded_at)
        VALUES (@stream, @version, @id, @type, @data, @metadata, @recorded) RETURNING position;
        """;

    // One statement, one round trip: the newest usable snapshot as a row without a position, then the events after
    // it; ordered by version, the snapshot comes first.
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


    /// <summary>Creates the store; does no I/O.</summary>
    /// <param name="database">The database.</param>
    /// <param name="timeProvider">The clock for recorded-at stamps, migration stamps and busy retries.</param>
    public SqlEventStore(SqlDatabase database, TimeProvider timeProvider)
        : this(database, timeProvider, guard: null)
    {
    }

    /// <summary>Creates the store with a check run in every append's transaction before it writes; does no I/O.</summary>
    /// <param name="database">The database.</param>
    /// <param name="timeProvider">The clock for recorded-at stamps, migration stamps and busy retries.</param>
    /// <param name="guard">Admits or refuses each append by its stream id (a shard's bucket ownership); none when <see langword="null"/>.</param>
    public SqlEventStore(SqlDatabase database, TimeProvider timeProvider, ISqlWriteGuard? guard)
        : base(database, Schema, timeProvider)
    {
        _guard = guard;
    }

    /// <inheritdoc />
    public async Task<AppendResult> AppendAsync(string streamId, long expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfLessThan(expectedVersion, ExpectedVersion.Any);
        await Gate.EnsureAsync(cancellationToken).ConfigureAwait(false);

        // A busy database (SQLite) rolled the whole append back, version check included, so it is run again as a whole.
        return await Database.RunAsync((connection, token) => AppendOnceAsync(connection, streamId, expectedVersion, events, token), Clock, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, long? toVersion, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        return ReadAsync(
            $"SELECT {EventColumns} FROM bulwark_events WHERE stream_id = @stream AND version >= @from AND version <= @to ORDER BY version;",
            command => command.With("stream", streamId).With("from", fromVersion).With("to", toVersion ?? long.MaxValue),
            (reader, token) => ReadEventsAsync(reader, token),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterPosition, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        return ReadAsync(
            $"SELECT {EventColumns} FROM bulwark_events WHERE position > @after ORDER BY position LIMIT @max;",
            command => command.With("after", afterPosition).With("max", maxCount),
            (reader, token) => ReadEventsAsync(reader, token),
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<long> GetHeadPositionAsync(CancellationToken cancellationToken) =>
        Convert.ToInt64(await ScalarAsync("SELECT COALESCE(MAX(position), 0) FROM bulwark_events;", static command => command, cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public async Task SaveSnapshotAsync(Snapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        await ExecuteAsync(
            "INSERT INTO bulwark_snapshots (stream_id, version, snapshot_type, data) VALUES (@stream, @version, @type, @data) ON CONFLICT DO NOTHING;",
            command => command.With("stream", snapshot.StreamId).With("version", snapshot.Version).With("type", snapshot.SnapshotType).With("data", snapshot.Data.ToArray()),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<Snapshot?> LoadSnapshotAsync(string streamId, long? maxVersion, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        return ReadAsync(
            "SELECT version, snapshot_type, data FROM bulwark_snapshots WHERE stream_id = @stream AND version <= @max ORDER BY version DESC LIMIT 1;",
            command => command.With("stream", streamId).With("max", maxVersion ?? long.MaxValue),
            async (reader, token) => await reader.ReadAsync(token).ConfigureAwait(false)
                ? new Snapshot(streamId, reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2))
                : null,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<SnapshotAndEvents> ReadFromSnapshotAsync(string streamId, string snapshotType, long? toVersion, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(snapshotType);
        return ReadAsync(
            ReadFromSnapshotSql,
            command => command.With("stream", streamId).With("type", snapshotType).With("to", toVersion ?? long.MaxValue),
            async (reader, token) =>
            {
                Snapshot? snapshot = null;
                var events = new List<RecordedEvent>();
                while (await reader.ReadAsync(token).ConfigureAwait(false))
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
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<long> GetCheckpointAsync(string projection, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(projection);
        var value = await ScalarAsync("SELECT position FROM bulwark_projection_checkpoints WHERE projection = @name;", command => command.With("name", projection), cancellationToken)
            .ConfigureAwait(false);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public async Task SaveCheckpointAsync(string projection, long position, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(projection);
        await ExecuteAsync(
            "INSERT INTO bulwark_projection_checkpoints (projection, position) VALUES (@name, @position) ON CONFLICT (projection) DO UPDATE SET position = excluded.position;",
            command => command.With("name", projection).With("position", position),
            cancellationToken).ConfigureAwait(false);
    }


    /// <summary>
    /// Reads the events of <paramref name="streamIds"/> committed after <paramref name="afterPosition"/>, in position
    /// order: what a shard move copies and then catches up on (positions follow commit order, so nothing committed
    /// later can have a lower one).
    /// </summary>
    /// <param name="streamIds">The streams.</param>
    /// <param name="afterPosition">The last position already copied (0 to start).</param>
    /// <param name="maxCount">The page size.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events in position order, at most <paramref name="maxCount"/>.</returns>
    public async Task<IReadOnlyList<RecordedEvent>> ReadStreamsAsync(IReadOnlyList<string> streamIds, long afterPosition, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streamIds);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        var events = new List<RecordedEvent>();
        foreach (var chunk in streamIds.Chunk(StreamsPerStatement))
        {
            var page = await ReadAsync(
                $"SELECT {EventColumns} FROM bulwark_events WHERE stream_id IN ({InList(chunk.Length)}) AND position > @after ORDER BY position LIMIT @max;",
                command => BindStreams(command, chunk).With("after", afterPosition).With("max", maxCount),
                (reader, token) => ReadEventsAsync(reader, token),
                cancellationToken,
                prepare: false).ConfigureAwait(false);
            events.AddRange(page);
        }

        // Each chunk is ordered; together they are cut to the lowest maxCount positions, so a caller resuming after the
        // last returned position misses nothing from any chunk.
        return events.Count <= maxCount && streamIds.Count <= StreamsPerStatement
            ? events
            : events.OrderBy(e => e.Position).Take(maxCount).ToList();
    }

    /// <summary>
    /// Writes events recorded elsewhere as they were (ids, versions, types, recorded-at), at new positions in this
    /// database's commit order; an event whose id or stream version is already here is skipped, so a copy interrupted
    /// and run again adds nothing twice.
    /// </summary>
    /// <param name="events">The events, in their source's position order.</param>
    /// <param name="cancellationToken">Cancels the import.</param>
    /// <returns>How many events were written (skipped ones not counted).</returns>
    public async Task<int> ImportAsync(IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return 0;
        }

        return await WriteAsync(
            async (connection, transaction, token) =>
            {
                // The same lock as an append: imported events take positions in this database's commit order too.
                await Dialect.LockAsync(connection, transaction, AppendLock, SqlWriterLockMode.Exclusive, token).ConfigureAwait(false);

                // One round trip where the driver batches: the import holds this database's append lock, so every
                // writer here waits for it (a page inserted row by row held PostgreSQL writers for seconds).
                var written = connection.CanCreateBatch
                    ? await ImportBatchAsync(connection, transaction, events, token).ConfigureAwait(false)
                    : await ImportEachAsync(connection, transaction, events, token).ConfigureAwait(false);
                return written;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes <paramref name="streamIds"/> with their snapshots: only for streams that now live in another database
    /// (a finished shard move). An event log otherwise never forgets; shredding forgets personal data by its key.
    /// </summary>
    /// <param name="streamIds">The streams.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>How many events were deleted.</returns>
    public async Task<int> DeleteStreamsAsync(IReadOnlyList<string> streamIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streamIds);
        var deleted = 0;
        foreach (var chunk in streamIds.Chunk(StreamsPerStatement))
        {
            await ExecuteAsync($"DELETE FROM bulwark_snapshots WHERE stream_id IN ({InList(chunk.Length)});", command => BindStreams(command, chunk), cancellationToken).ConfigureAwait(false);
            deleted += await ExecuteAsync($"DELETE FROM bulwark_events WHERE stream_id IN ({InList(chunk.Length)});", command => BindStreams(command, chunk), cancellationToken).ConfigureAwait(false);
        }

        return deleted;
    }

    private const string ImportEventSql =
        "INSERT INTO bulwark_events (stream_id, version, event_id, event_type, data, metadata, recorded_at) " +
        "VALUES (@stream, @version, @id, @type, @data, @metadata, @recorded) ON CONFLICT DO NOTHING;";

    private async Task<int> ImportBatchAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        foreach (var @event in events)
        {
            batch.Add(ImportEventSql, ImportParameters(@event));
        }

        return await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> ImportEachAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        using var insert = connection.CreateCommand(ImportEventSql, transaction);
        var written = 0;
        foreach (var @event in events)
        {
            insert.Parameters.Clear();
            foreach (var (name, value) in ImportParameters(@event))
            {
                insert.With(name, value);
            }

            written += await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return written;
    }

    private (string Name, object? Value)[] ImportParameters(RecordedEvent @event) =>
        EventParameters(@event.StreamId, @event.Version, new EventData(@event.EventId, @event.EventType, @event.Data, @event.Metadata), Dialect.Timestamp(@event.RecordedAt));

    private static string InList(int count) => string.Join(", ", Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"@s{i}")));

    private static DbCommand BindStreams(DbCommand command, string[] streamIds)
    {
        for (var i = 0; i < streamIds.Length; i++)
        {
            command.With(string.Create(CultureInfo.InvariantCulture, $"s{i}"), streamIds[i]);
        }

        return command;
    }

    private async Task<AppendResult> AppendOnceAsync(DbConnection connection, string streamId, long expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
    {
        var transaction = await Dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            // Before the append lock, so a guard that waits (a fenced shard bucket) does not hold up every other stream.
            if (_guard is not null)
            {
                await _guard.EnterAsync(connection, transaction, streamId, cancellationToken).ConfigureAwait(false);
            }

            // SQLite's transaction already holds the one write lock; a row-locking database needs a lock of its own so
            // that appends to different streams also commit in position order.
            await Dialect.LockAsync(connection, transaction, AppendLock, SqlWriterLockMode.Exclusive, cancellationToken).ConfigureAwait(false);

            long actual;
            using (var current = connection.CreateCommand("SELECT COALESCE(MAX(version), 0) FROM bulwark_events WHERE stream_id = @stream;", transaction).With("stream", streamId))
            {
                actual = Convert.ToInt64(await current.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }

            if (expectedVersion != ExpectedVersion.Any && actual != expectedVersion)
            {
                throw new ConcurrencyConflictException(streamId, expectedVersion, actual);
            }

            // Under the append lock no other writer can take the versions read above, so the (stream, version) key
            // is a last line of defence here, not a conflict to translate.
            var recordedAt = Dialect.Timestamp(Clock.GetUtcNow());
            var position = connection.CanCreateBatch
                ? await InsertBatchAsync(connection, transaction, streamId, actual, events, recordedAt, cancellationToken).ConfigureAwait(false)
                : await InsertEachAsync(connection, transaction, streamId, actual, events, recordedAt, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new AppendResult(actual + events.Count, position);
        }
    }

    // A client-server database takes every insert in one round trip.
    private async Task<long> InsertBatchAsync(DbConnection connection, DbTransaction transaction, string streamId, long version, IReadOnlyList<EventData> events, object recordedAt, CancellationToken cancellationToken)
    {
        using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        foreach (var @event in events)
        {
            batch.Add(InsertEventSql, EventParameters(streamId, ++version, @event, recordedAt));
        }

        long position = 0;
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

        return position;
    }

    // An embedded database has no round trips to save: one prepared insert, run per event.
    private async Task<long> InsertEachAsync(DbConnection connection, DbTransaction transaction, string streamId, long version, IReadOnlyList<EventData> events, object recordedAt, CancellationToken cancellationToken)
    {
        using var insert = connection.CreateCommand(InsertEventSql, transaction);
        long position = 0;
        foreach (var @event in events)
        {
            insert.Parameters.Clear();
            foreach (var (name, value) in EventParameters(streamId, ++version, @event, recordedAt))
            {
                insert.With(name, value);
            }

            position = Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        return position;
    }

    private (string Name, object? Value)[] EventParameters(string streamId, long version, EventData @event, object recordedAt) =>
    [
        ("stream", streamId),
        ("version", version),
        ("id", Dialect.Uuid(@event.EventId)),
        ("type", @event.EventType),
        ("data", @event.Data.ToArray()),
        ("metadata", @event.Metadata.IsEmpty ? DBNull.Value : @event.Metadata.ToArray()),
        ("recorded", recordedAt),
    ];

    /// <summary>
    /// Runs a prepared read. Npgsql keeps a prepared statement on the pooled physical connection, so only the first
    /// read per connection pays for preparing and every later one skips the server's parse and plan (a third of a
    /// snapshot load's time); SQLite compiles the statement either way. A statement whose text varies (an IN list per
    /// call) is not prepared: each variant would stay prepared on every pooled connection.
    /// </summary>
    private async Task<T> ReadAsync<T>(string sql, Action<DbCommand> bind, Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken, bool prepare = true)
    {
        await Gate.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = await Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand(sql);
            bind(command);
            if (prepare)
            {
                await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
            }

            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await read(reader, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<IReadOnlyList<RecordedEvent>> ReadEventsAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var events = new List<RecordedEvent>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(ReadEvent(reader));
        }

        return events;
    }

    private RecordedEvent ReadEvent(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt64(1),
        reader.GetInt64(2),
        Dialect.ReadUuid(reader, 3),
        reader.GetString(4),
        reader.GetFieldValue<byte[]>(5),
        reader.IsDBNull(6) ? ReadOnlyMemory<byte>.Empty : reader.GetFieldValue<byte[]>(6),
        Dialect.ReadTimestamp(reader, 7));
}
