using Bulwark.Sagas;
using Microsoft.Data.Sqlite;

namespace Bulwark.Sqlite.Sagas;

/// <summary>
/// Saga instances on SQLite, updated with an optimistic version check. A write that meets a busy database is run
/// again (<see cref="SqliteBusyRetry"/>): a lost save would leave the saga to the sweeper.
/// </summary>
public sealed class SqliteSagaStore : ISagaStore, IDisposable
{
    internal const string Component = "sagas";

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE bulwark_sagas (
            saga_id TEXT PRIMARY KEY,
            saga_type TEXT NOT NULL,
            status INTEGER NOT NULL,
            completed_steps INTEGER NOT NULL,
            pending_compensations INTEGER NOT NULL,
            data TEXT NOT NULL,
            error TEXT NULL,
            version INTEGER NOT NULL,
            updated_at INTEGER NOT NULL);
        CREATE INDEX ix_bulwark_sagas_type_status ON bulwark_sagas (saga_type, status);
        """,
    ];

    private const string Columns = "saga_id, saga_type, status, completed_steps, pending_compensations, data, error, version, updated_at";

    private readonly string _connectionString;
    private readonly TimeProvider _timeProvider;
    private readonly SqliteSchemaGate _schema;

    /// <summary>Creates the store.</summary>
    /// <param name="connectionString">The SQLite database.</param>
    /// <param name="timeProvider">The clock for migration stamps and busy retries.</param>
    public SqliteSagaStore(string connectionString, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _connectionString = connectionString;
        _timeProvider = timeProvider;
        _schema = new SqliteSchemaGate(connectionString, Component, Migrations, timeProvider);
    }

    /// <summary>Creates or upgrades the table; safe to call on every start.</summary>
    /// <param name="cancellationToken">Cancels the migration.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    public Task MigrateAsync(CancellationToken cancellationToken = default) => _schema.EnsureAsync(cancellationToken).AsTask();

    /// <inheritdoc />
    public async Task<bool> InsertAsync(SagaState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        return await ExecuteAsync(
            $"INSERT INTO bulwark_sagas ({Columns}) VALUES ($id, $type, $status, $completed, $pending, $data, $error, $version, $updated) ON CONFLICT DO NOTHING;",
            command => Bind(command, state),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> UpdateAsync(SagaState state, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        return await ExecuteAsync(
            """
            UPDATE bulwark_sagas SET status = $status, completed_steps = $completed, pending_compensations = $pending, data = $data,
                error = $error, version = $version, updated_at = $updated
            WHERE saga_id = $id AND version = $expected;
            """,
            command =>
            {
                Bind(command, state);
                command.Parameters.AddWithValue("$expected", expectedVersion);
            },
            cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<SagaState?> GetAsync(Guid sagaId, CancellationToken cancellationToken)
    {
        var found = await QueryAsync($"SELECT {Columns} FROM bulwark_sagas WHERE saga_id = $id;", c => c.Parameters.AddWithValue("$id", sagaId.ToString()), cancellationToken)
            .ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SagaState>> ListAsync(string sagaType, IReadOnlyCollection<SagaStatus> statuses, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sagaType);
        ArgumentNullException.ThrowIfNull(statuses);
        var list = string.Join(",", statuses.Select(s => (int)s));
        return QueryAsync(
            $"SELECT {Columns} FROM bulwark_sagas WHERE saga_type = $type AND status IN ({list}) ORDER BY updated_at;",
            c => c.Parameters.AddWithValue("$type", sagaType),
            cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _schema.Dispose();

    private static void Bind(SqliteCommand command, SagaState state)
    {
        command.Parameters.AddWithValue("$id", state.SagaId.ToString());
        command.Parameters.AddWithValue("$type", state.SagaType);
        command.Parameters.AddWithValue("$status", (int)state.Status);
        command.Parameters.AddWithValue("$completed", state.CompletedSteps);
        command.Parameters.AddWithValue("$pending", state.PendingCompensations);
        command.Parameters.AddWithValue("$data", state.Data);
        command.Parameters.AddWithValue("$error", (object?)state.Error ?? DBNull.Value);
        command.Parameters.AddWithValue("$version", state.Version);
        command.Parameters.AddWithValue("$updated", state.UpdatedAt.ToUnixTimeMilliseconds());
    }

    private async Task<int> ExecuteAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await SqliteBusyRetry.RunAsync(
            async token =>
            {
                var connection = new SqliteConnection(_connectionString);
                await using (connection.ConfigureAwait(false))
                {
                    await connection.OpenAsync(token).ConfigureAwait(false);
                    using var command = connection.CreateCommand();
                    command.CommandText = sql;
                    bind(command);
                    return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }
            },
            _timeProvider,
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<SagaState>> QueryAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = new SqliteConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            bind(command);
            var states = new List<SagaState>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    states.Add(new SagaState
                    {
                        SagaId = Guid.Parse(reader.GetString(0)),
                        SagaType = reader.GetString(1),
                        Status = (SagaStatus)reader.GetInt32(2),
                        CompletedSteps = reader.GetInt32(3),
                        PendingCompensations = reader.GetInt32(4),
                        Data = reader.GetString(5),
                        Error = reader.IsDBNull(6) ? null : reader.GetString(6),
                        Version = reader.GetInt64(7),
                        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
                    });
                }
            }

            return states;
        }
    }
}
