using System.Data.Common;
using Bulwark.Data;
using Bulwark.Data.Schema;
using Microsoft.Extensions.Options;
using Shop.Infrastructure.Modules;

namespace Shop.Infrastructure.Data;

/// <summary>
/// A module's tables in the shop database, with the module's own forward-only migration track
/// (<see cref="IShopModule.Migrations"/>, applied by Bulwark.Data's one migrator in the host's starting phase). Modules
/// share the database (so a business write and its outbox event commit in one transaction) but never each other's
/// tables: every table a module creates starts with its name. See docs/shop.md, "One module shape".
/// </summary>
/// <typeparam name="TModule">The module that owns the tables.</typeparam>
public sealed class ModuleDatabase<TModule> : ISchemaOwner, IModuleSchema, IDisposable
    where TModule : IShopModule
{
    private readonly SchemaComponent _component;
    private readonly TimeProvider _timeProvider;
    private readonly ShopSchemaOptions _schema;

    /// <summary>Creates the module's handle on the shop database; does no I/O.</summary>
    /// <param name="shop">The shop database.</param>
    /// <param name="timeProvider">The clock for migration stamps and busy retries.</param>
    /// <param name="schema">How far to migrate (<c>Shop:Schema</c>); expand steps of this release when not given.</param>
    public ModuleDatabase(ShopDatabase shop, TimeProvider timeProvider, IOptions<ShopSchemaOptions>? schema = null)
    {
        Shop = shop ?? throw new ArgumentNullException(nameof(shop));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _schema = schema?.Value ?? new ShopSchemaOptions();
        IEnumerable<ModuleMigration> steps = TModule.Migrations;
        if (_schema.PreviousRelease)
        {
            steps = steps.TakeWhile(m => !m.ThisRelease);
        }

        var known = steps.ToArray();
        _component = new SchemaComponent(TModule.Name)
            .For(shop.Dialect.Name, [.. known.Select(m => m.ScriptFor(shop.Dialect))])
            .Contracts(known.Index().Where(m => m.Item.Change == SchemaChange.Contract).Select(m => m.Index + 1));
    }

    /// <summary>The module name: the prefix of its tables and the name of its migration track.</summary>
    public string Module => TModule.Name;

    /// <inheritdoc />
    string IModuleSchema.ModuleName => TModule.Name;

    /// <summary>The shop database.</summary>
    public ShopDatabase Shop { get; }

    /// <summary>How the database's SQL differs (types, upserts, locks, unique violations).</summary>
    public SqlDialect Dialect => Shop.Dialect;

    /// <summary>Opens a connection (the caller disposes it).</summary>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>An open connection.</returns>
    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => Shop.OpenAsync(cancellationToken);

    /// <summary>
    /// Runs a write transaction: opens a connection, begins a write (<see cref="SqlDialect.BeginWriteAsync"/>), and runs
    /// <paramref name="work"/>, which commits, or returns without committing to roll back. The whole unit runs again
    /// when the dialect says a fresh attempt can pass (SQLite's busy write lock), so a burst of writers waits its turn
    /// instead of answering 500. See docs/data-consistency.md.
    /// </summary>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="work">The unit of work.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The result.</returns>
    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Shop.Sql.RunAsync(
            async (connection, token) =>
            {
                // Queued behind this process's other writers without holding a thread (see TakeWriteTurnAsync); the
                // turn ends after the transaction (declared first, disposed last).
                using var turn = await Shop.TakeWriteTurnAsync(_timeProvider, token);
                Shop.MarkWriting();
                await using var transaction = await Dialect.BeginWriteAsync(connection, token);
                return await work(connection, transaction, token);
            },
            _timeProvider,
            cancellationToken);
    }

    /// <summary>Runs one statement (parameters as <c>@name</c>) in its own write transaction, as <see cref="WriteAsync{T}"/> does.</summary>
    /// <param name="sql">The statement.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <param name="parameters">The parameters; <see langword="null"/> binds SQL NULL.</param>
    /// <returns>The number of rows changed.</returns>
    public Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return WriteAsync(
            async (connection, transaction, token) =>
            {
                await using var command = connection.CreateCommand(sql, transaction);
                foreach (var (name, value) in parameters)
                {
                    command.With(name, value);
                }

                var changed = await command.ExecuteNonQueryAsync(token);
                await transaction.CommitAsync(token);
                return changed;
            },
            cancellationToken);
    }

    /// <summary>
    /// Applies the module's missing expand steps (and contract steps with <see cref="ShopSchemaOptions.ApplyContract"/>).
    /// A database a newer release only expanded is served as it is; one contracted past this release is refused.
    /// </summary>
    /// <param name="cancellationToken">Cancels the migration.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    /// <exception cref="SchemaContractedException">A newer release contracted the schema past this one.</exception>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        int current;
        await using (var connection = await OpenAsync(cancellationToken))
        {
            current = await SchemaMigrator.CurrentVersionAsync(Dialect, connection, null, Module, cancellationToken);
        }

        if (current == 0 && Dialect.Name == SqlDialectNames.Sqlite)
        {
            await AdoptLegacyHistoryAsync(cancellationToken);
        }

        await SchemaMigrator.MigrateAsync(Shop.Sql, _component, _schema.Migration, _timeProvider, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<int> ContractAsync(CancellationToken cancellationToken) =>
        await SchemaMigrator.MigrateAsync(Shop.Sql, _component, SchemaMigrationOptions.WithContract, _timeProvider, cancellationToken);

    /// <inheritdoc />
    public Task<SchemaStatus> StatusAsync(CancellationToken cancellationToken) => SchemaMigrator.StatusAsync(Shop.Sql, _component, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing held: kept so existing callers that dispose the handle keep compiling.
    }

    // A shop.db written before the one migrator kept each module's versions in module_migrations (same numbering, one
    // step a version): they are copied into Bulwark.Data's history once, so an existing data folder keeps its tables
    // instead of failing on "table already exists".
    private async Task<int> AdoptLegacyHistoryAsync(CancellationToken cancellationToken)
    {
        await using (var connection = await OpenAsync(cancellationToken))
        {
            await using var legacy = connection.CreateCommand("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'module_migrations';");
            if (await legacy.ExecuteScalarAsync(cancellationToken) is null)
            {
                return 0;
            }
        }

        // Creates the history table (an empty component applies nothing) before copying into it.
        await SchemaMigrator.MigrateAsync(Shop.Sql, new SchemaComponent("shop-legacy-history").For(Dialect.Name, []), _timeProvider, cancellationToken);
        await ExecuteAsync(
            $"INSERT INTO {SchemaMigrator.HistoryTable} (component, version, applied_at) SELECT module, version, @at FROM module_migrations WHERE module = @module " +
            $"AND NOT EXISTS (SELECT 1 FROM {SchemaMigrator.HistoryTable} h WHERE h.component = module_migrations.module AND h.version = module_migrations.version);",
            cancellationToken,
            ("at", Dialect.Timestamp(_timeProvider.GetUtcNow())),
            ("module", Module));
        await using var again = await OpenAsync(cancellationToken);
        return await SchemaMigrator.CurrentVersionAsync(Dialect, again, null, Module, cancellationToken);
    }
}
