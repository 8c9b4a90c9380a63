using Bulwark.EventSourcing;
using Microsoft.Data.Sqlite;

namespace Bulwark.Sqlite.EventSourcing;

/// <summary>
/// Event streams, snapshots and projection checkpoints on SQLite. Appends take SQLite's write lock
/// (<c>BEGIN IMMEDIATE</c>), so the version check and the insert are atomic and positions follow commit order.
/// </summary>
public sealed class SqliteEventStore : IEventStore, ISnapshotStore, ICheckpointStore, IDisposable
{
    internal const string Component = "events";

    private static readonly string[] Migrations =
    [
        """
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
        """,
    ];

    private readonly string _connectionString;
    private readonly TimeProvider _timeProvider;
    private readonly SqliteSchemaGate _schema;

    /// <summary>Creates the store.</summary>
    /// <param name="connectionString">The SQLite database.</param>
    /// <param name="timeProvider">The clock for recorded-at stamps.</param>
    public SqliteEventStore(string connectionString, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _connectionString = connectionString;
        _timeProvider = timeProvider;
        _schema = new SqliteSchemaGate(connectionString, Component, Migrations, timeProvider);
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

        // A busy database rolled the whole append back (version check included), so it is run again as a whole.
        return await SqliteBusyRetry.RunAsync(token => AppendOnceAsync(streamId, expectedVersion, events, token), _timeProvider, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AppendResult> AppendOnceAsync(string streamId, long expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                long actual;
                using (var current = connection.CreateCommand())
                {
                    current.Transaction = transaction;
                    current.CommandText = "SELECT COALESCE(MAX(version), 0) FROM bulwark_events WHERE stream_id = $stream;";
                    current.Parameters.AddWithValue("$stream", streamId);
                    actual = (long)(await current.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                }

                if (expectedVersion != ExpectedVersion.Any && actual != expectedVersion)
                {
                    throw new ConcurrencyConflictException(streamId, expectedVersion, actual);
                }

                using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT INTO bulwark_events (stream_id, version, event_id, event_type, data, metadata, recorded_at)
                    VALUES ($stream, $version, $id, $type, $data, $metadata, $recorded) RETURNING position;
                    """;
                insert.Parameters.AddWithValue("$stream", streamId);
                var version = insert.Parameters.Add("$version", SqliteType.Integer);
                var id = insert.Parameters.Add("$id", SqliteType.Text);
                var type = insert.Parameters.Add("$type", SqliteType.Text);
                var data = insert.Parameters.Add("$data", SqliteType.Blob);
                var metadata = insert.Parameters.Add("$metadata", SqliteType.Blob);
                insert.Parameters.AddWithValue("$recorded", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
                long position = 0;
                foreach (var @event in events)
                {
                    version.Value = ++actual;
                    id.Value = @event.EventId.ToString();
                    type.Value = @event.EventType;
                    data.Value = @event.Data.ToArray();
                    metadata.Value = @event.Metadata.IsEmpty ? DBNull.Value : @event.Metadata.ToArray();
                    position = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
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
            "WHERE stream_id = $stream AND version >= $from AND version <= $to ORDER BY version",
            command =>
            {
                command.Parameters.AddWithValue("$stream", streamId);
                command.Parameters.AddWithValue("$from", fromVersion);
                command.Parameters.AddWithValue("$to", toVersion ?? long.MaxValue);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecordedEvent>> ReadAllAsync(long afterPosition, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        return QueryAsync(
            "WHERE position > $after ORDER BY position LIMIT $max",
            command =>
            {
                command.Parameters.AddWithValue("$after", afterPosition);
                command.Parameters.AddWithValue("$max", maxCount);
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
            "INSERT INTO bulwark_snapshots (stream_id, version, snapshot_type, data) VALUES ($stream, $version, $type, $data) ON CONFLICT DO NOTHING;",
            command =>
            {
                command.Parameters.AddWithValue("$stream", snapshot.StreamId);
                command.Parameters.AddWithValue("$version", snapshot.Version);
                command.Parameters.AddWithValue("$type", snapshot.SnapshotType);
                command.Parameters.AddWithValue("$data", snapshot.Data.ToArray());
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Snapshot?> LoadSnapshotAsync(string streamId, long? maxVersion, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT version, snapshot_type, data FROM bulwark_snapshots
                WHERE stream_id = $stream AND version <= $max ORDER BY version DESC LIMIT 1;
                """;
            command.Parameters.AddWithValue("$stream", streamId);
            command.Parameters.AddWithValue("$max", maxVersion ?? long.MaxValue);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                    ? new Snapshot(streamId, reader.GetInt64(0), reader.GetString(1), (byte[])reader.GetValue(2))
                    : null;
            }
        }
    }

    /// <inheritdoc />
    public async Task<long> GetCheckpointAsync(string projection, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(projection);
        var value = await ScalarAsync(
            "SELECT position FROM bulwark_projection_checkpoints WHERE projection = $name;",
            command => command.Parameters.AddWithValue("$name", projection),
            cancellationToken).ConfigureAwait(false);
        return value is long position ? position : 0;
    }

    /// <inheritdoc />
    public async Task SaveCheckpointAsync(string projection, long position, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(projection);
        await ScalarAsync(
            "INSERT INTO bulwark_projection_checkpoints (projection, position) VALUES ($name, $position) ON CONFLICT (projection) DO UPDATE SET position = excluded.position;",
            command =>
            {
                command.Parameters.AddWithValue("$name", projection);
                command.Parameters.AddWithValue("$position", position);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _schema.Dispose();

    private async Task<IReadOnlyList<RecordedEvent>> QueryAsync(string where, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT stream_id, version, position, event_id, event_type, data, metadata, recorded_at FROM bulwark_events " + where + ";";
            bind(command);
            var events = new List<RecordedEvent>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    events.Add(new RecordedEvent(
                        reader.GetString(0),
                        reader.GetInt64(1),
                        reader.GetInt64(2),
                        Guid.Parse(reader.GetString(3)),
                        reader.GetString(4),
                        (byte[])reader.GetValue(5),
                        reader.IsDBNull(6) ? ReadOnlyMemory<byte>.Empty : (byte[])reader.GetValue(6),
                        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7))));
                }
            }

            return events;
        }
    }

    private async Task<object?> ScalarAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            bind(command);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
