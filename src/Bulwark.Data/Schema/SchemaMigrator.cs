using System.Data.Common;
using System.Globalization;

namespace Bulwark.Data.Schema;

/// <summary>
/// The one migrator: applies a component's missing scripts in order, each recorded in <c>bulwark_schema_migrations</c>
/// (component, version), in one transaction that the dialect serializes across processes (PostgreSQL advisory lock,
/// SQLite <c>BEGIN IMMEDIATE</c>). Running it again applies nothing; two processes starting together migrate one after
/// the other and the second finds nothing to do. Steps are expand or contract (<see cref="SchemaChange"/>): contract steps
/// wait for the operator, and each one applied raises the component's floor in <c>bulwark_schema_floor</c>, which every
/// release reads at start-up to refuse a schema contracted past it.
/// </summary>
public static class SchemaMigrator
{
    /// <summary>The history table.</summary>
    public const string HistoryTable = "bulwark_schema_migrations";

    /// <summary>The expand/contract record: per component, the highest contract step applied.</summary>
    public const string FloorTable = "bulwark_schema_floor";

    /// <summary>Brings <paramref name="component"/> to its latest expand step in <paramref name="database"/> (no contract steps).</summary>
    /// <param name="database">The database.</param>
    /// <param name="component">The component's scripts.</param>
    /// <param name="timeProvider">The clock for the applied-at stamps and busy retries.</param>
    /// <param name="cancellationToken">Cancels the migration (a cancelled migration rolls back entirely).</param>
    /// <returns>How many scripts ran.</returns>
    /// <exception cref="SchemaContractedException">The schema was contracted past this release.</exception>
    public static Task<int> MigrateAsync(SqlDatabase database, SchemaComponent component, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        MigrateAsync(database, component, SchemaMigrationOptions.ExpandOnly, timeProvider, cancellationToken);

    /// <summary>
    /// Applies <paramref name="component"/>'s missing steps in order: every expand step, and contract steps only when
    /// <paramref name="options"/> allow them (it stops before the first one otherwise). Refuses a schema contracted past
    /// this release; a schema only expanded past it is left alone, since older code keeps working there.
    /// </summary>
    /// <param name="database">The database.</param>
    /// <param name="component">The component's scripts.</param>
    /// <param name="options">Whether contract steps may run.</param>
    /// <param name="timeProvider">The clock for the applied-at stamps and busy retries.</param>
    /// <param name="cancellationToken">Cancels the migration (a cancelled migration rolls back entirely).</param>
    /// <returns>How many scripts ran.</returns>
    /// <exception cref="SchemaContractedException">The schema was contracted past this release.</exception>
    public static Task<int> MigrateAsync(SqlDatabase database, SchemaComponent component, SchemaMigrationOptions options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(component);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var dialect = database.Dialect;
        var scripts = component.ScriptsFor(dialect);
        return database.RunAsync(
            async (connection, token) =>
            {
                var transaction = await dialect.BeginMigrationAsync(connection, token).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var types = dialect.Types;
                    await ExecuteAsync(connection, transaction, $"""
                        CREATE TABLE IF NOT EXISTS {HistoryTable} (
                            component {types.Text} NOT NULL,
                            version {types.Number} NOT NULL,
                            applied_at {types.Timestamp} NOT NULL,
                            PRIMARY KEY (component, version));
                        CREATE TABLE IF NOT EXISTS {FloorTable} (
                            component {types.Text} NOT NULL PRIMARY KEY,
                            version {types.Number} NOT NULL,
                            applied_at {types.Timestamp} NOT NULL);
                        """, token).ConfigureAwait(false);

                    var current = await ReadVersionAsync(connection, transaction, component.Name, token).ConfigureAwait(false);
                    var floor = await ReadFloorAsync(connection, transaction, component.Name, token).ConfigureAwait(false);
                    if (floor > scripts.Count)
                    {
                        throw new SchemaContractedException(component.Name, floor, scripts.Count);
                    }

                    // Nothing older can read tables that do not exist yet: a fresh component takes its contract steps too.
                    var contractAllowed = options.ApplyContract || current == 0;
                    var applied = 0;
                    for (var version = current + 1; version <= scripts.Count; version++)
                    {
                        var contract = component.ChangeOf(version) == SchemaChange.Contract;
                        if (contract && !contractAllowed)
                        {
                            break;
                        }

                        await ExecuteAsync(connection, transaction, scripts[version - 1], token).ConfigureAwait(false);
                        var at = dialect.Timestamp(timeProvider.GetUtcNow());
                        using (var record = connection.CreateCommand($"INSERT INTO {HistoryTable} (component, version, applied_at) VALUES (@component, @version, @at);", transaction)
                            .With("component", component.Name)
                            .With("version", version)
                            .With("at", at))
                        {
                            await record.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                        }

                        if (contract)
                        {
                            using var raise = connection.CreateCommand(
                                $"DELETE FROM {FloorTable} WHERE component = @component; INSERT INTO {FloorTable} (component, version, applied_at) VALUES (@component, @version, @at);", transaction)
                                .With("component", component.Name)
                                .With("version", version)
                                .With("at", at);
                            await raise.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                        }

                        applied++;
                    }

                    await transaction.CommitAsync(token).ConfigureAwait(false);
                    return applied;
                }
            },
            timeProvider,
            cancellationToken);
    }

    /// <summary>Where <paramref name="component"/>'s schema stands in <paramref name="database"/>; changes nothing.</summary>
    /// <param name="database">The database.</param>
    /// <param name="component">The component's scripts.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The applied version, the floor and this release's pending contract steps.</returns>
    public static async Task<SchemaStatus> StatusAsync(SqlDatabase database, SchemaComponent component, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(component);
        var known = component.ScriptsFor(database.Dialect).Count;
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var applied = await CurrentVersionAsync(database.Dialect, connection, null, component.Name, cancellationToken).ConfigureAwait(false);
            var floor = applied == 0 ? 0 : await ReadFloorAsync(connection, null, component.Name, cancellationToken).ConfigureAwait(false);
            var pending = Enumerable.Range(applied + 1, Math.Max(0, known - applied)).Where(v => component.ChangeOf(v) == SchemaChange.Contract).ToArray();
            return new SchemaStatus(component.Name, applied, known, floor, pending);
        }
    }

    /// <summary>The version of <paramref name="component"/> applied so far (0 when never migrated), read in the caller's transaction.</summary>
    /// <param name="dialect">The database's dialect.</param>
    /// <param name="connection">An open connection.</param>
    /// <param name="transaction">The caller's transaction, if any.</param>
    /// <param name="component">The component name.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The highest applied version.</returns>
    public static async Task<int> CurrentVersionAsync(SqlDialect dialect, DbConnection connection, DbTransaction? transaction, string component, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        return await dialect.HistoryExistsAsync(connection, transaction, cancellationToken).ConfigureAwait(false)
            ? await ReadVersionAsync(connection, transaction, component, cancellationToken).ConfigureAwait(false)
            : 0;
    }

    private static async Task<int> ReadVersionAsync(DbConnection connection, DbTransaction? transaction, string component, CancellationToken cancellationToken)
    {
        using var query = connection.CreateCommand($"SELECT COALESCE(MAX(version), 0) FROM {HistoryTable} WHERE component = @component;", transaction)
            .With("component", component);
        return Convert.ToInt32(await query.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    // The floor table arrived after the history table: a database migrated before it has none, and so no floor.
    private static async Task<int> ReadFloorAsync(DbConnection connection, DbTransaction? transaction, string component, CancellationToken cancellationToken)
    {
        using var query = connection.CreateCommand($"SELECT COALESCE(MAX(version), 0) FROM {FloorTable} WHERE component = @component;", transaction)
            .With("component", component);
        return Convert.ToInt32(await query.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand(sql, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
