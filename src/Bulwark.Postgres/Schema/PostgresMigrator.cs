using Npgsql;

namespace Bulwark.Postgres;

/// <summary>
/// Forward-only schema migrations: each component owns an ordered list of scripts and
/// <c>bulwark_schema_migrations</c> records which ran; an advisory lock serializes instances starting together.
/// </summary>
internal static class PostgresMigrator
{
    // Arbitrary but fixed: the advisory-lock space of Bulwark's migrations.
    private const int MigrationLockSpace = 0x0B17_0001;

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string component, IReadOnlyList<string> scripts, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@space, hashtext(@component));", connection, transaction))
                {
                    lockCommand.Parameters.AddWithValue("space", MigrationLockSpace);
                    lockCommand.Parameters.AddWithValue("component", component);
                    await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                using (var create = new NpgsqlCommand("""
                    CREATE TABLE IF NOT EXISTS bulwark_schema_migrations (
                        component text NOT NULL,
                        version integer NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now(),
                        PRIMARY KEY (component, version));
                    """, connection, transaction))
                {
                    await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                int current;
                using (var query = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM bulwark_schema_migrations WHERE component = @component;", connection, transaction))
                {
                    query.Parameters.AddWithValue("component", component);
                    current = (int)(await query.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                }

                for (var version = current + 1; version <= scripts.Count; version++)
                {
                    using var script = new NpgsqlCommand(scripts[version - 1], connection, transaction);
                    await script.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    using var record = new NpgsqlCommand("INSERT INTO bulwark_schema_migrations (component, version) VALUES (@component, @version);", connection, transaction);
                    record.Parameters.AddWithValue("component", component);
                    record.Parameters.AddWithValue("version", version);
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

/// <summary>Runs a component's migrations once per store instance.</summary>
internal sealed class PostgresSchemaGate(NpgsqlDataSource dataSource, string component, IReadOnlyList<string> scripts) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile bool _ready;

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
                await PostgresMigrator.MigrateAsync(dataSource, component, scripts, cancellationToken).ConfigureAwait(false);
                _ready = true;
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _lock.Dispose();
}
