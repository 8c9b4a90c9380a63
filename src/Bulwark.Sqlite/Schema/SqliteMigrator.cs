using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Bulwark.Sqlite;

/// <summary>
/// Forward-only schema migrations: each component (outbox, idempotency, ...) owns an ordered list of scripts and
/// <c>bulwark_schema_migrations</c> records which ran, so a second start applies nothing.
/// </summary>
internal static class SqliteMigrator
{
    public static async Task MigrateAsync(string connectionString, string component, IReadOnlyList<string> scripts, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // WAL lets relays and readers work while a business transaction writes.
            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);

            // IMMEDIATE takes the write lock up front, so two processes starting together migrate one after the other.
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                await ExecuteAsync(connection, transaction, """
                    CREATE TABLE IF NOT EXISTS bulwark_schema_migrations (
                        component TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        applied_at TEXT NOT NULL,
                        PRIMARY KEY (component, version));
                    """, cancellationToken).ConfigureAwait(false);

                var current = await CurrentVersionAsync(connection, transaction, component, cancellationToken).ConfigureAwait(false);
                for (var version = current + 1; version <= scripts.Count; version++)
                {
                    await ExecuteAsync(connection, transaction, scripts[version - 1], cancellationToken).ConfigureAwait(false);
                    using var record = connection.CreateCommand();
                    record.Transaction = transaction;
                    record.CommandText = "INSERT INTO bulwark_schema_migrations (component, version, applied_at) VALUES ($c, $v, $t);";
                    record.Parameters.AddWithValue("$c", component);
                    record.Parameters.AddWithValue("$v", version);
                    record.Parameters.AddWithValue("$t", timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public static async Task<int> CurrentVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, string component, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'bulwark_schema_migrations';";
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            return 0;
        }

        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM bulwark_schema_migrations WHERE component = $c;";
        command.Parameters.AddWithValue("$c", component);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Runs a component's migrations once per store instance.</summary>
internal sealed class SqliteSchemaGate(string connectionString, string component, IReadOnlyList<string> scripts, TimeProvider timeProvider) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile bool _ready;

    public bool IsReady => _ready;

    public string Component => component;

    public int Version => scripts.Count;

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
                await SqliteMigrator.MigrateAsync(connectionString, component, scripts, timeProvider, cancellationToken).ConfigureAwait(false);
                _ready = true;
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Checks the schema through the caller's own connection: migrating on a second connection would wait for the
    /// write lock the caller's transaction already holds.
    /// </summary>
    public async ValueTask EnsureWithinAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        if (await SqliteMigrator.CurrentVersionAsync(connection, transaction, component, cancellationToken).ConfigureAwait(false) < scripts.Count)
        {
            throw new InvalidOperationException(
                $"The SQLite schema of '{component}' is not migrated. Call MigrateAsync at start-up (AddBulwarkSqlite registers it as a hosted service) before the first write.");
        }

        _ready = true;
    }

    public void Dispose() => _lock.Dispose();
}
