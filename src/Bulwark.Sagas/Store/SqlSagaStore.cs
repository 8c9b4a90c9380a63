using System.Data.Common;
using Bulwark.Data;
using Bulwark.Data.Schema;

namespace Bulwark.Sagas;

/// <summary>
/// Saga instances on a SQL database, updated with an optimistic version check. A write that meets a busy database
/// (SQLite's single writer) is run again: a lost save would leave the saga to the sweeper.
/// </summary>
public sealed class SqlSagaStore : SqlStore, ISagaStore
{
    /// <summary>The saga table's schema.</summary>
    public static SchemaComponent Schema { get; } = new SchemaComponent("sagas")
        .For(SqlDialectNames.Sqlite, """
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
            // Expand: the starter's trace context, so steps run later continue its trace. Older code ignores the columns.
            """
            ALTER TABLE bulwark_sagas ADD COLUMN trace_parent TEXT NULL;
            ALTER TABLE bulwark_sagas ADD COLUMN trace_state TEXT NULL;
            ALTER TABLE bulwark_sagas ADD COLUMN correlation_id TEXT NULL;
            """)
        .For(SqlDialectNames.Postgres, """
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
            """
            ALTER TABLE bulwark_sagas ADD COLUMN trace_parent text NULL;
            ALTER TABLE bulwark_sagas ADD COLUMN trace_state text NULL;
            ALTER TABLE bulwark_sagas ADD COLUMN correlation_id text NULL;
            """);

    private const string Columns = "saga_id, saga_type, status, completed_steps, pending_compensations, data, error, version, updated_at, trace_parent, trace_state, correlation_id";


    /// <summary>Creates the store; does no I/O.</summary>
    /// <param name="database">The database.</param>
    /// <param name="timeProvider">The clock for migration stamps and busy retries.</param>
    public SqlSagaStore(SqlDatabase database, TimeProvider timeProvider)
        : base(database, Schema, timeProvider)
    {
    }

    /// <inheritdoc />
    public async Task<bool> InsertAsync(SagaState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        return await ExecuteAsync(
            $"INSERT INTO bulwark_sagas ({Columns}) VALUES (@id, @type, @status, @completed, @pending, @data, @error, @version, @updated, @traceparent, @tracestate, @correlation) ON CONFLICT DO NOTHING;",
            command => Bind(command, state)
                .With("traceparent", state.TraceParent)
                .With("tracestate", state.TraceState)
                .With("correlation", state.CorrelationId),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> UpdateAsync(SagaState state, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        return await ExecuteAsync(
            """
            UPDATE bulwark_sagas SET status = @status, completed_steps = @completed, pending_compensations = @pending, data = @data,
                error = @error, version = @version, updated_at = @updated
            WHERE saga_id = @id AND version = @expected;
            """,
            command => Bind(command, state).With("expected", expectedVersion),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<SagaState?> GetAsync(Guid sagaId, CancellationToken cancellationToken)
    {
        var found = await QuerySagasAsync($"SELECT {Columns} FROM bulwark_sagas WHERE saga_id = @id;", c => c.With("id", Database.Dialect.Uuid(sagaId)), cancellationToken)
            .ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SagaState>> ListAsync(string sagaType, IReadOnlyCollection<SagaStatus> statuses, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sagaType);
        ArgumentNullException.ThrowIfNull(statuses);

        // Statuses are enum numbers, so inlining them is safe and avoids array parameters SQLite lacks.
        var list = statuses.Count == 0 ? "NULL" : string.Join(",", statuses.Select(s => ((int)s).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return QuerySagasAsync(
            $"SELECT {Columns} FROM bulwark_sagas WHERE saga_type = @type AND status IN ({list}) ORDER BY updated_at;",
            c => c.With("type", sagaType),
            cancellationToken);
    }


    private DbCommand Bind(DbCommand command, SagaState state)
    {
        var dialect = Database.Dialect;
        command
            .With("id", dialect.Uuid(state.SagaId))
            .With("type", state.SagaType)
            .With("status", (short)state.Status)
            .With("completed", state.CompletedSteps)
            .With("pending", state.PendingCompensations);
        return dialect.WithJson(command, "data", state.Data)
            .With("error", state.Error)
            .With("version", state.Version)
            .With("updated", dialect.Timestamp(state.UpdatedAt));
    }

    private async Task<IReadOnlyList<SagaState>> QuerySagasAsync(string sql, Func<DbCommand, DbCommand> bind, CancellationToken cancellationToken) =>
        await QueryAsync(sql, bind, ReadState, cancellationToken).ConfigureAwait(false);

    private SagaState ReadState(DbDataReader reader) => new()
    {
        SagaId = Dialect.ReadUuid(reader, 0),
        SagaType = reader.GetString(1),
        Status = (SagaStatus)reader.GetInt32(2),
        CompletedSteps = reader.GetInt32(3),
        PendingCompensations = reader.GetInt32(4),
        Data = reader.GetString(5),
        Error = reader.IsDBNull(6) ? null : reader.GetString(6),
        Version = reader.GetInt64(7),
        UpdatedAt = Dialect.ReadTimestamp(reader, 8),
        TraceParent = reader.IsDBNull(9) ? null : reader.GetString(9),
        TraceState = reader.IsDBNull(10) ? null : reader.GetString(10),
        CorrelationId = reader.IsDBNull(11) ? null : reader.GetString(11),
    };
}
