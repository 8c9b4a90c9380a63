using System.Data.Common;

namespace Bulwark.Data.Schema;

/// <summary>
/// One store's view of its schema: migrates once per instance (at start-up through <see cref="SchemaMigrationService"/>,
/// or on first use), then costs one volatile read per call.
/// </summary>
public sealed class SchemaGate : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly SqlDatabase _database;
    private readonly TimeProvider _timeProvider;
    private volatile bool _ready;

    /// <summary>Creates the gate; does no I/O.</summary>
    /// <param name="database">The database.</param>
    /// <param name="component">The store's schema.</param>
    /// <param name="timeProvider">The clock for the migrator.</param>
    public SchemaGate(SqlDatabase database, SchemaComponent component, TimeProvider timeProvider)
    {
        _database = database ?? throw new ArgumentNullException(nameof(database));
        Component = component ?? throw new ArgumentNullException(nameof(component));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
    }

    /// <summary>The store's schema.</summary>
    public SchemaComponent Component { get; }

    /// <summary>Migrates the schema unless this gate already did.</summary>
    /// <param name="cancellationToken">Cancels the migration.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    public async ValueTask EnsureAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_ready)
            {
                await SchemaMigrator.MigrateAsync(_database, Component, _timeProvider, cancellationToken).ConfigureAwait(false);
                _ready = true;
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Ensures the schema from inside the caller's transaction. Where the dialect cannot migrate beside an open
    /// transaction (SQLite's single writer) it only checks, through the caller's own connection, and names the fix.
    /// </summary>
    /// <param name="connection">The caller's connection.</param>
    /// <param name="transaction">The caller's transaction.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    /// <exception cref="InvalidOperationException">The schema is behind and cannot be migrated here.</exception>
    public async ValueTask EnsureWithinAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        var dialect = _database.Dialect;
        if (dialect.MigratesBesideOpenTransaction)
        {
            await EnsureAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        var current = await SchemaMigrator.CurrentVersionAsync(dialect, connection, transaction, Component.Name, cancellationToken).ConfigureAwait(false);
        if (current < Component.ScriptsFor(dialect).Count)
        {
            throw new InvalidOperationException(
                $"The {dialect.Name} schema of '{Component.Name}' is not migrated. Call MigrateAsync at start-up (the store's registration does it in the host's starting phase) before the first write.");
        }

        _ready = true;
    }

    /// <inheritdoc />
    public void Dispose() => _lock.Dispose();
}
