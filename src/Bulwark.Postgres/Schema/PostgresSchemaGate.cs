using Bulwark.Data;
using Bulwark.Data.Schema;
using Npgsql;

namespace Bulwark.Postgres;

/// <summary>
/// The event stores' view of <see cref="SchemaGate"/> while they still take an <see cref="NpgsqlDataSource"/>; goes
/// away when they are built on <see cref="SqlDatabase"/> like the other stores.
/// </summary>
internal sealed class PostgresSchemaGate(NpgsqlDataSource dataSource, string component, IReadOnlyList<string> scripts) : IDisposable
{
    private readonly SchemaGate _gate = new(PostgresDatabase.Create(dataSource), new SchemaComponent(component).For(SqlDialectNames.Postgres, scripts), TimeProvider.System);

    public ValueTask EnsureAsync(CancellationToken cancellationToken) => _gate.EnsureAsync(cancellationToken);

    public void Dispose() => _gate.Dispose();
}
