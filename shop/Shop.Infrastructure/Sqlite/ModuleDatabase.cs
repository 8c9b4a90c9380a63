using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Shop.Infrastructure.Sqlite;

/// <summary>
/// A module's tables in the embedded shop database, with the module's own forward-only migration track. Modules
/// share the file (so a business write and its outbox event commit in one transaction) but never each other's
/// tables: every table a module creates starts with its name. See docs/adr/0002-one-embedded-database.md.
/// </summary>
public sealed partial class ModuleDatabase
{
    private readonly IReadOnlyList<Migration> _migrations;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the database handle; nothing touches the disk until <see cref="MigrateAsync"/> or <see cref="OpenAsync"/>.</summary>
    public ModuleDatabase(string module, string dataPath, IReadOnlyList<Migration> migrations, ILogger logger, TimeProvider timeProvider, string fileName = ShopDataOptions.DefaultFileName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(module);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataPath);
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version <= migrations[i - 1].Version)
            {
                throw new ArgumentException($"Migrations of '{module}' must have strictly increasing versions; {migrations[i].Version} follows {migrations[i - 1].Version}.", nameof(migrations));
            }
        }

        Module = module;
        FilePath = Path.GetFullPath(Path.Combine(dataPath, fileName));
        _migrations = migrations;
        _logger = logger;
        _timeProvider = timeProvider;
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 5,
        }.ToString();
    }

    /// <summary>The module name, also the prefix of its tables and the name of its migration track.</summary>
    public string Module { get; }

    /// <summary>The absolute path of the SQLite file.</summary>
    public string FilePath { get; }

    /// <summary>The connection string of the file.</summary>
    public string ConnectionString { get; }

    /// <summary>Opens a connection with the pragmas every module relies on (WAL, busy timeout, foreign keys).</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs a whole write transaction (<paramref name="work"/> opens, writes, commits) again when the shop's one write
    /// lock stayed busy past the timeout, a few times with growing pauses. A burst of writers then waits its turn
    /// instead of answering 500. See docs/data-consistency.md.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        Bulwark.Sqlite.SqliteBusyRetry.RunAsync(work, _timeProvider, cancellationToken);

    /// <summary>Applies every migration newer than the file's version, each in its own transaction.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        await using var connection = await OpenAsync(cancellationToken);
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS module_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version));";
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var current = await CurrentVersionAsync(connection, Module, cancellationToken);
        var latest = _migrations.Count == 0 ? 0 : _migrations[^1].Version;
        if (current > latest)
        {
            throw new SchemaVersionException(Module, current, latest);
        }

        foreach (var migration in _migrations.Where(m => m.Version > current))
        {
            // Microsoft.Data.Sqlite begins non-deferred (BEGIN IMMEDIATE): the write lock is taken up front, so two processes starting together cannot both apply a step.
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            if (await CurrentVersionAsync(connection, Module, cancellationToken, transaction) >= migration.Version)
            {
                continue;
            }

            await migration.Apply(connection, transaction, cancellationToken);
            await using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO module_migrations (module, version, name, applied_at) VALUES ($m, $v, $n, $t);";
            record.Parameters.AddWithValue("$m", Module);
            record.Parameters.AddWithValue("$v", migration.Version);
            record.Parameters.AddWithValue("$n", migration.Name);
            record.Parameters.AddWithValue("$t", _timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
            await record.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogApplied(_logger, Module, migration.Version, migration.Name);
        }
    }

    private static async Task<int> CurrentVersionAsync(SqliteConnection connection, string module, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using var query = connection.CreateCommand();
        query.Transaction = transaction;
        query.CommandText = "SELECT COALESCE(MAX(version), 0) FROM module_migrations WHERE module = $m;";
        query.Parameters.AddWithValue("$m", module);
        return Convert.ToInt32(await query.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Applied migration {Version} ({Name}) of the {Module} module")]
    private static partial void LogApplied(ILogger logger, string module, int version, string name);
}
