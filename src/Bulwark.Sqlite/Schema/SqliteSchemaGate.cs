using Bulwark.Data;
using Bulwark.Data.Schema;
using Microsoft.Data.Sqlite;

namespace Bulwark.Sqlite;

/// <summary>
/// The event stores' view of <see cref="SchemaGate"/> while they still take a connection string; goes away when they
/// are built on <see cref="SqlDatabase"/> like the other stores.
/// </summary>
internal sealed class SqliteSchemaGate(string connectionString, string component, IReadOnlyList<string> scripts, TimeProvider timeProvider) : IDisposable
{
    private readonly SchemaGate _gate = new(SqliteDataSource.CreateDatabase(connectionString), new SchemaComponent(component).For(SqlDialectNames.Sqlite, scripts), timeProvider);

    public ValueTask EnsureAsync(CancellationToken cancellationToken) => _gate.EnsureAsync(cancellationToken);

    public ValueTask EnsureWithinAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken) =>
        _gate.EnsureWithinAsync(connection, transaction, cancellationToken);

    public void Dispose() => _gate.Dispose();
}
