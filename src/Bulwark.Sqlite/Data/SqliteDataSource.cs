using System.Data.Common;
using Bulwark.Data;
using Microsoft.Data.Sqlite;

namespace Bulwark.Sqlite;

/// <summary>
/// A <see cref="DbDataSource"/> over a SQLite connection string (Microsoft.Data.Sqlite has none): connections come
/// from its pool, so creating them is cheap.
/// </summary>
public sealed class SqliteDataSource : DbDataSource
{
    /// <summary>Creates the data source; does no I/O.</summary>
    /// <param name="connectionString">The SQLite connection string, e.g. <c>Data Source=data/shop.db</c>.</param>
    public SqliteDataSource(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ConnectionString = connectionString;
    }

    /// <inheritdoc />
    public override string ConnectionString { get; }

    /// <summary>The database for Bulwark's stores: this data source with <see cref="SqliteDialect"/>.</summary>
    /// <param name="connectionString">The SQLite connection string.</param>
    /// <returns>The database.</returns>
    public static SqlDatabase CreateDatabase(string connectionString) => new(new SqliteDataSource(connectionString), SqliteDialect.Instance);

    /// <inheritdoc />
    protected override DbConnection CreateDbConnection() => new SqliteConnection(ConnectionString);
}
