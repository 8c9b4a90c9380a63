using System.Data.Common;
using System.Globalization;

namespace Bulwark.Data.Schema;

/// <summary>
/// The one migrator: applies a component's missing scripts in order, each recorded in <c>bulwark_schema_migrations</c>
/// (component, version), in one transaction that the dialect serializes across processes (PostgreSQL advisory lock,
/// SQLite <c>BEGIN IMMEDIATE</c>). Running it again applies nothing; two processes starting together migrate one after
/// the other and the second finds nothing to do.
/// </summary>
public static class SchemaMigrator
{
    /// <summary>The history table.</summary>
    public const string HistoryTable = "bulwark_schema_migrations";

    /// <summary>Brings <paramref name="component"/> to its latest version in <paramref name="database"/>.</summary>
    /// <param name="database">The database.</param>
    /// <param name="component">The component's scripts.</param>
    /// <param name="timeProvider">The clock for the applied-at stamps and busy retries.</param>
    /// <param name="cancellationToken">Cancels the migration (a cancelled migration rolls back entirely).</param>
    /// <returns>How many scripts ran.</returns>
    public static Task<int> MigrateAsync(SqlDatabase database, SchemaComponent component, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(component);
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
                        """, token).ConfigureAwait(false);

                    var current = await ReadVersionAsync(connection, transaction, component.Name, token).ConfigureAwait(false);
                    for (var version = current + 1; version <= scripts.Count; version++)
                    {
                        await ExecuteAsync(connection, transaction, scripts[version - 1], token).ConfigureAwait(false);
                        using var record = connection.CreateCommand($"INSERT INTO {HistoryTable} (component, version, applied_at) VALUES (@component, @version, @at);", transaction)
                            .With("component", component.Name)
                            .With("version", version)
                            .With("at", dialect.Timestamp(timeProvider.GetUtcNow()));
                        await record.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(token).ConfigureAwait(false);
                    return Math.Max(0, scripts.Count - current);
                }
            },
            timeProvider,
            cancellationToken);
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

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand(sql, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
