using System.Data.Common;
using Bulwark.Data;
using Bulwark.Postgres;
using Bulwark.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Shop.Infrastructure.Data;

/// <summary>
/// The one database every module, the outbox, idempotency, the inbox, sagas and the event store share, so a business
/// write and its outbox event commit in one transaction (ADR 0002). Which database it is comes from
/// <see cref="ShopDataOptions.Provider"/>; the SQL is written once and what differs goes through <see cref="SqlDialect"/>.
/// </summary>
public sealed class ShopDatabase : IAsyncDisposable
{
    private readonly DbDataSource _dataSource;

    // SQLite only: one writer of this process at a time (see TakeWriteTurnAsync). Null on PostgreSQL.
    private readonly SemaphoreSlim? _writers;

    // The shop database whose write turn the current flow holds, so a write nested in a write does not wait for itself.
    private static readonly AsyncLocal<ShopDatabase?> WritingIn = new();

    /// <summary>Creates the data source for <paramref name="options"/>; does no I/O.</summary>
    /// <param name="options">The shop's data options.</param>
    public ShopDatabase(ShopDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Provider = options.Provider;
        if (options.Provider == ShopDataProvider.Postgres)
        {
            var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString
                ?? throw new ArgumentException($"{ShopDataOptions.SectionName}:{nameof(ShopDataOptions.ConnectionString)} is required with PostgreSQL.", nameof(options)));
            // Npgsql's default pool (100) equals PostgreSQL's default max_connections: one busy instance could take the
            // whole server, and the next connection is refused ("too many clients", a 500) instead of waiting for a pooled
            // one. Unless the connection string says otherwise, an instance keeps at most DefaultMaxPoolSize, so three
            // instances fit a default server with room for operators.
            if (!options.ConnectionString!.Contains("Pool Size", StringComparison.OrdinalIgnoreCase))
            {
                builder.MaxPoolSize = DefaultMaxPoolSize;
            }

            var postgres = NpgsqlDataSource.Create(builder.ConnectionString);
            _dataSource = postgres;
            Sql = PostgresDatabase.Create(postgres);
            Location = $"{builder.Database}@{builder.Host}:{builder.Port}";
        }
        else
        {
            var connectionString = ShopDataOptions.SqliteConnectionString(options.Path);
            _dataSource = new PragmaSqliteDataSource(connectionString);
            _writers = new SemaphoreSlim(1, 1);
            Sql = new SqlDatabase(_dataSource, SqliteDialect.Instance);
            Location = new SqliteConnectionStringBuilder(connectionString).DataSource;
        }
    }

    /// <summary>
    /// How long a SQLite writer waits for the file's write lock, held by another process (SQLite's <c>busy_timeout</c>)
    /// or by another writer of this one (<see cref="TakeWriteTurnAsync"/>), before its attempt fails as busy.
    /// </summary>
    public static readonly TimeSpan SqliteBusyTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Connections one shop instance keeps at most on PostgreSQL when its connection string does not set a pool size.</summary>
    public const int DefaultMaxPoolSize = 30;

    /// <summary>The most connections this instance keeps to PostgreSQL (its pool), or <see langword="null"/> on SQLite.</summary>
    /// <param name="options">The shop's data options.</param>
    /// <returns>The connection string's pool size, or <see cref="DefaultMaxPoolSize"/> when it sets none.</returns>
    public static int? PoolSizeOf(ShopDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Provider != ShopDataProvider.Postgres || options.ConnectionString is null)
        {
            return null;
        }

        return options.ConnectionString.Contains("Pool Size", StringComparison.OrdinalIgnoreCase)
            ? new NpgsqlConnectionStringBuilder(options.ConnectionString).MaxPoolSize
            : DefaultMaxPoolSize;
    }

    /// <summary>Which database this is.</summary>
    public ShopDataProvider Provider { get; }

    /// <summary>Where it is (the file, or database@host:port), for readiness and logs; never holds a password.</summary>
    public string Location { get; }

    /// <summary>The database for Bulwark's stores and the modules' SQL.</summary>
    public SqlDatabase Sql { get; }

    /// <summary>How this database's SQL differs.</summary>
    public SqlDialect Dialect => Sql.Dialect;

    /// <summary>The shop database for the library's <c>UseSqlDatabase(...)</c> registrations.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The database.</returns>
    public static SqlDatabase Resolve(IServiceProvider services) =>
        Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<ShopDatabase>(services).Sql;

    /// <summary>Opens a connection (the caller disposes it).</summary>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>An open connection.</returns>
    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => Sql.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// On SQLite, waits (asynchronously) until no other writer of this process is writing, for at most
    /// <see cref="SqliteBusyTimeout"/>; dispose the result when the write transaction has ended. SQLite has one write
    /// lock per file and waits for it synchronously, sleeping on the calling thread: with many writers queued on a file
    /// that another process holds, every one of them held a thread-pool thread, and the whole process stopped answering,
    /// probes included (40 sign-ups on a locked file: readiness answered in 18.9 s). Queued here, they hold no thread, and only
    /// the writer whose turn it is blocks on the file. On PostgreSQL (row locks, no file lock) this returns at once.
    /// </summary>
    /// <param name="timeProvider">The clock for the wait's bound.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The turn, to dispose after the transaction; <see langword="null"/> when there is nothing to wait for.</returns>
    /// <exception cref="SqliteException">The turn did not come within <see cref="SqliteBusyTimeout"/> (<c>SQLITE_BUSY</c>, as if SQLite had waited itself).</exception>
    public async ValueTask<IDisposable?> TakeWriteTurnAsync(TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (_writers is null || WritingIn.Value == this)
        {
            return null;
        }

        using var bound = new CancellationTokenSource(SqliteBusyTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bound.Token);
        try
        {
            await _writers.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new SqliteException($"database is locked: this process's other writers kept it for {SqliteBusyTimeout.TotalSeconds:0} s", SqliteBusyCode);
        }

        return new WriteTurn(_writers);
    }

    /// <summary>Marks the current flow as holding this database's write turn (call it in the unit of work, after <see cref="TakeWriteTurnAsync"/>).</summary>
    internal void MarkWriting() => WritingIn.Value = this;

    /// <inheritdoc />
    /// <remarks>
    /// The write-turn semaphore is left undisposed on purpose: a write still in flight when the host shuts down gives its
    /// turn back after this, and a disposed semaphore would throw there. It has no wait handle (nothing to free).
    /// </remarks>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private const int SqliteBusyCode = 5;

    private sealed class WriteTurn(SemaphoreSlim writers) : IDisposable
    {
        private SemaphoreSlim? _writers = writers;

        public void Dispose() => Interlocked.Exchange(ref _writers, null)?.Release();
    }

    // Every module connection gets the pragmas it relies on: WAL (readers beside the writer), a busy timeout, foreign
    // keys (off by default in SQLite) and NORMAL sync (safe with WAL, a large share of write latency otherwise).
    // The data folder is created on the first open (SQLite creates the file, not its folder), not in a constructor.
    private sealed class PragmaSqliteDataSource(string connectionString) : DbDataSource
    {
        private static readonly string Pragmas = $"PRAGMA journal_mode=WAL; PRAGMA busy_timeout={(int)SqliteBusyTimeout.TotalMilliseconds}; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;";
        private volatile bool _folderExists;

        public override string ConnectionString { get; } = connectionString;

        protected override DbConnection CreateDbConnection()
        {
            if (!_folderExists)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(new SqliteConnectionStringBuilder(ConnectionString).DataSource)!);
                _folderExists = true;
            }

            return new SqliteConnection(ConnectionString);
        }

        protected override DbConnection OpenDbConnection()
        {
            var connection = CreateDbConnection();
            try
            {
                connection.Open();
                using var pragma = connection.CreateCommand(Pragmas);
                pragma.ExecuteNonQuery();
                return connection;
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        protected override async ValueTask<DbConnection> OpenDbConnectionAsync(CancellationToken cancellationToken = default)
        {
            var connection = CreateDbConnection();
            try
            {
                await connection.OpenAsync(cancellationToken);
                await using var pragma = connection.CreateCommand(Pragmas);
                await pragma.ExecuteNonQueryAsync(cancellationToken);
                return connection;
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }
    }
}
