using System.Data.Common;

namespace Bulwark.Data;

/// <summary>
/// A database the stores write to: where connections come from (<see cref="DbDataSource"/>) and how its SQL differs
/// (<see cref="SqlDialect"/>). Register one per database; the adapters (<c>Bulwark.Sqlite</c>, <c>Bulwark.Postgres</c>)
/// create it.
/// </summary>
public sealed class SqlDatabase
{
    /// <summary>Pairs a data source with its dialect.</summary>
    /// <param name="dataSource">Where connections come from.</param>
    /// <param name="dialect">How its SQL differs.</param>
    public SqlDatabase(DbDataSource dataSource, SqlDialect dialect)
    {
        DataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        Dialect = dialect ?? throw new ArgumentNullException(nameof(dialect));
    }

    /// <summary>Where connections come from.</summary>
    public DbDataSource DataSource { get; }

    /// <summary>How this database's SQL differs.</summary>
    public SqlDialect Dialect { get; }

    /// <summary>Opens a connection (the caller disposes it).</summary>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>An open connection.</returns>
    public async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Runs <paramref name="work"/> on a fresh connection, again when the dialect says a fresh attempt can succeed
    /// (<see cref="SqlDialect.RunAsync{T}"/>).
    /// </summary>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="work">The unit of work; the connection is open and disposed after it.</param>
    /// <param name="timeProvider">The clock for pauses between attempts.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The result.</returns>
    public Task<T> RunAsync<T>(Func<DbConnection, CancellationToken, Task<T>> work, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Dialect.RunAsync(
            async token =>
            {
                var connection = await DataSource.OpenConnectionAsync(token).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    return await work(connection, token).ConfigureAwait(false);
                }
            },
            timeProvider,
            cancellationToken);
    }
}
