using Bulwark.Data;
using Npgsql;

namespace Bulwark.Postgres;

/// <summary>Creates the <see cref="SqlDatabase"/> Bulwark's stores use on PostgreSQL.</summary>
public static class PostgresDatabase
{
    /// <summary>The database for Bulwark's stores: <paramref name="dataSource"/> with <see cref="PostgresDialect"/>.</summary>
    /// <param name="dataSource">The Npgsql data source (the caller owns and disposes it).</param>
    /// <returns>The database.</returns>
    public static SqlDatabase Create(NpgsqlDataSource dataSource) => new(dataSource, PostgresDialect.Instance);
}
