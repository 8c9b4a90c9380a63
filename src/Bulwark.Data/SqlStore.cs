using System.Data.Common;
using Bulwark.Data.Schema;

namespace Bulwark.Data;

/// <summary>
/// What every Bulwark SQL store holds: its database and dialect, a clock, and the gate that migrates its tables once
/// (at start-up through <see cref="SchemaMigrationService"/>, or on first use). Derive a store from it and write only
/// its queries; the constructor does no I/O.
/// </summary>
public abstract class SqlStore : ISchemaOwner, IDisposable
{
    /// <summary>Creates the store's shared state; does no I/O.</summary>
    /// <param name="database">The database.</param>
    /// <param name="schema">The store's tables, as versioned scripts.</param>
    /// <param name="timeProvider">The clock for stamps, expiry, migrations and busy retries.</param>
    protected SqlStore(SqlDatabase database, SchemaComponent schema, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Database = database ?? throw new ArgumentNullException(nameof(database));
        Dialect = database.Dialect;
        Clock = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        Gate = new SchemaGate(database, schema, timeProvider);
    }

    /// <summary>The database the store reads and writes.</summary>
    protected SqlDatabase Database { get; }

    /// <summary>What differs between the databases (the database's own dialect).</summary>
    protected SqlDialect Dialect { get; }

    /// <summary>The store's clock.</summary>
    protected TimeProvider Clock { get; }

    /// <summary>The gate that brings the store's tables to their latest version once.</summary>
    protected SchemaGate Gate { get; }

    /// <inheritdoc />
    public Task MigrateAsync(CancellationToken cancellationToken = default) => Gate.EnsureAsync(cancellationToken).AsTask();

    /// <summary>
    /// Runs one write statement as its own unit of work once the tables exist; a busy database runs it again
    /// (<see cref="SqlDatabase.RunAsync{T}"/>).
    /// </summary>
    /// <param name="sql">The statement.</param>
    /// <param name="bind">Adds the statement's parameters.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>The rows it affected.</returns>
    protected async Task<int> ExecuteAsync(string sql, Func<DbCommand, DbCommand> bind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bind);
        await Gate.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await Database.RunAsync(
            async (connection, token) =>
            {
                using var command = bind(connection.CreateCommand(sql));
                return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            },
            Clock,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one query once the tables exist and returns the first column of its first row.</summary>
    /// <param name="sql">The query.</param>
    /// <param name="bind">Adds the query's parameters.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The value; <see langword="null"/> when no row came back, <see cref="DBNull"/> for SQL NULL.</returns>
    protected async Task<object?> ScalarAsync(string sql, Func<DbCommand, DbCommand> bind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bind);
        await Gate.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = await Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = bind(connection.CreateCommand(sql));
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs one query once the tables exist and maps every row, in the order the query returns them.</summary>
    /// <typeparam name="T">What a row maps to.</typeparam>
    /// <param name="sql">The query.</param>
    /// <param name="bind">Adds the query's parameters.</param>
    /// <param name="map">Maps the reader's current row.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The rows.</returns>
    protected async Task<List<T>> QueryAsync<T>(string sql, Func<DbCommand, DbCommand> bind, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bind);
        await Gate.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = await Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = bind(connection.CreateCommand(sql));
            return await command.ReadAllAsync(map, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction (<see cref="SqlDialect.BeginWriteAsync"/>) once the tables
    /// exist, and commits it when the work returns; work that throws writes nothing. A busy database runs the whole unit
    /// again (<see cref="SqlDatabase.RunAsync{T}"/>), so the work must not keep state between attempts.
    /// </summary>
    /// <typeparam name="T">The work's result.</typeparam>
    /// <param name="work">Writes with the connection and transaction it is given.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The result of the attempt that committed.</returns>
    protected async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await Gate.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await Database.RunAsync(
            async (connection, token) =>
            {
                var transaction = await Dialect.BeginWriteAsync(connection, token).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var result = await work(connection, transaction, token).ConfigureAwait(false);
                    await transaction.CommitAsync(token).ConfigureAwait(false);
                    return result;
                }
            },
            Clock,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the schema gate.</summary>
    /// <param name="disposing">Whether the call comes from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Gate.Dispose();
        }
    }
}
