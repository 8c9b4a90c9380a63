using Bulwark.Sagas;
using Npgsql;

namespace Bulwark.Postgres.Sagas;

/// <summary>Saga instances on PostgreSQL, updated with an optimistic version check.</summary>
public sealed class PostgresSagaStore : ISagaStore, IDisposable
{
    internal const string Component = "sagas";

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE bulwark_sagas (
            saga_id uuid PRIMARY KEY,
            saga_type text NOT NULL,
            status smallint NOT NULL,
            completed_steps integer NOT NULL,
            pending_compensations integer NOT NULL,
            data jsonb NOT NULL,
            error text NULL,
            version bigint NOT NULL,
            updated_at timestamptz NOT NULL);
        CREATE INDEX ix_bulwark_sagas_type_status ON bulwark_sagas (saga_type, status);
        """,
    ];

    private const string Columns = "saga_id, saga_type, status, completed_steps, pending_compensations, data::text, error, version, updated_at";

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresSchemaGate _schema;

    /// <summary>Creates the store.</summary>
    /// <param name="dataSource">The database.</param>
    public PostgresSagaStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _schema = new PostgresSchemaGate(dataSource, Component, Migrations);
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
            "INSERT INTO bulwark_sagas (saga_id, saga_type, status, completed_steps, pending_compensations, data, error, version, updated_at) " +
            "VALUES (@id, @type, @status, @completed, @pending, @data::jsonb, @error, @version, @updated) ON CONFLICT DO NOTHING;",
            command => Bind(command, state),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> UpdateAsync(SagaState state, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        return await ExecuteAsync(
            """
            UPDATE bulwark_sagas SET status = @status, completed_steps = @completed, pending_compensations = @pending, data = @data::jsonb,
                error = @error, version = @version, updated_at = @updated
            WHERE saga_id = @id AND version = @expected;
            """,
            command =>
            {
                Bind(command, state);
                command.Parameters.AddWithValue("expected", expectedVersion);
            },
            cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<SagaState?> GetAsync(Guid sagaId, CancellationToken cancellationToken)
    {
        var found = await QueryAsync($"SELECT {Columns} FROM bulwark_sagas WHERE saga_id = @id;", c => c.Parameters.AddWithValue("id", sagaId), cancellationToken)
            .ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SagaState>> ListAsync(string sagaType, IReadOnlyCollection<SagaStatus> statuses, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sagaType);
        ArgumentNullException.ThrowIfNull(statuses);
        return QueryAsync(
            $"SELECT {Columns} FROM bulwark_sagas WHERE saga_type = @type AND status = ANY(@statuses) ORDER BY updated_at;",
            c =>
            {
                c.Parameters.AddWithValue("type", sagaType);
                c.Parameters.AddWithValue("statuses", statuses.Select(s => (short)s).ToArray());
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _schema.Dispose();

    private static void Bind(NpgsqlCommand command, SagaState state)
    {
        command.Parameters.AddWithValue("id", state.SagaId);
        command.Parameters.AddWithValue("type", state.SagaType);
        command.Parameters.AddWithValue("status", (short)state.Status);
        command.Parameters.AddWithValue("completed", state.CompletedSteps);
        command.Parameters.AddWithValue("pending", state.PendingCompensations);
        command.Parameters.AddWithValue("data", state.Data);
        command.Parameters.AddWithValue("error", (object?)state.Error ?? DBNull.Value);
        command.Parameters.AddWithValue("version", state.Version);
        command.Parameters.AddWithValue("updated", state.UpdatedAt);
    }

    private async Task<int> ExecuteAsync(string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand(sql);
        bind(command);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<SagaState>> QueryAsync(string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand(sql);
        bind(command);
        var states = new List<SagaState>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                states.Add(new SagaState
                {
                    SagaId = reader.GetGuid(0),
                    SagaType = reader.GetString(1),
                    Status = (SagaStatus)reader.GetInt16(2),
                    CompletedSteps = reader.GetInt32(3),
                    PendingCompensations = reader.GetInt32(4),
                    Data = reader.GetString(5),
                    Error = reader.IsDBNull(6) ? null : reader.GetString(6),
                    Version = reader.GetInt64(7),
                    UpdatedAt = reader.GetFieldValue<DateTimeOffset>(8),
                });
            }
        }

        return states;
    }
}
