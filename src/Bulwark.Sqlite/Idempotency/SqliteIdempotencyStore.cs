using Bulwark.Idempotency;
using Microsoft.Data.Sqlite;

namespace Bulwark.Sqlite.Idempotency;

/// <summary>
/// Idempotency keys on SQLite. The claim is one upsert on the primary key that only overwrites an expired record,
/// so exactly one of many concurrent requests gets it.
/// </summary>
public sealed class SqliteIdempotencyStore : IIdempotencyStore, IDisposable
{
    internal const string Component = "idempotency";

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE bulwark_idempotency (
            key TEXT PRIMARY KEY,
            fingerprint TEXT NOT NULL,
            owner TEXT NOT NULL,
            state INTEGER NOT NULL,
            status INTEGER NULL,
            headers TEXT NULL,
            body BLOB NULL,
            expires_at INTEGER NOT NULL);
        CREATE INDEX ix_bulwark_idempotency_expires ON bulwark_idempotency (expires_at);
        """,
        // The caller scope as a column, so the per-caller cap counts with an index instead of a prefix scan.
        """
        ALTER TABLE bulwark_idempotency ADD COLUMN scope TEXT NOT NULL DEFAULT '';
        UPDATE bulwark_idempotency SET scope = substr(key, 1, instr(key, ':') - 1) WHERE instr(key, ':') > 0;
        CREATE INDEX ix_bulwark_idempotency_scope ON bulwark_idempotency (scope, expires_at);
        """,
    ];

    private readonly string _connectionString;
    private readonly TimeProvider _timeProvider;
    private readonly SqliteSchemaGate _schema;

    /// <summary>Creates the store.</summary>
    /// <param name="connectionString">The SQLite database.</param>
    /// <param name="timeProvider">The clock for expiry.</param>
    public SqliteIdempotencyStore(string connectionString, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _connectionString = connectionString;
        _timeProvider = timeProvider;
        _schema = new SqliteSchemaGate(connectionString, Component, Migrations, timeProvider);
    }

    /// <summary>Creates or upgrades the table; safe to call on every start.</summary>
    /// <param name="cancellationToken">Cancels the migration.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    public Task MigrateAsync(CancellationToken cancellationToken = default) => _schema.EnsureAsync(cancellationToken).AsTask();

    /// <inheritdoc />
    public async Task<IdempotencyBeginResult> TryBeginAsync(string key, string fingerprint, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        IdempotencyArguments.ValidateKey(key);
        ArgumentException.ThrowIfNullOrEmpty(fingerprint);
        IdempotencyArguments.ValidatePositive(lockTimeout, nameof(lockTimeout));
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await SqliteBusyRetry.RunAsync(token => ClaimAsync(key, fingerprint, lockTimeout, token), _timeProvider, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IdempotencyBeginResult> ClaimAsync(string key, string fingerprint, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // A record that vanished between the failed claim and the read is simply claimed again.
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var now = _timeProvider.GetUtcNow();
                var owner = Guid.CreateVersion7(now);
                using (var claim = connection.CreateCommand())
                {
                    claim.CommandText = """
                        INSERT INTO bulwark_idempotency (key, scope, fingerprint, owner, state, status, headers, body, expires_at)
                        VALUES ($key, $scope, $fingerprint, $owner, 0, NULL, NULL, NULL, $expires)
                        ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, owner = excluded.owner, state = 0,
                            status = NULL, headers = NULL, body = NULL, expires_at = excluded.expires_at
                        WHERE bulwark_idempotency.expires_at <= $now;
                        """;
                    claim.Parameters.AddWithValue("$key", key);
                    claim.Parameters.AddWithValue("$scope", IdempotencyArguments.ScopeOf(key));
                    claim.Parameters.AddWithValue("$fingerprint", fingerprint);
                    claim.Parameters.AddWithValue("$owner", owner.ToString());
                    claim.Parameters.AddWithValue("$expires", (now + lockTimeout).ToUnixTimeMilliseconds());
                    claim.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
                    if (await claim.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
                    {
                        return new IdempotencyBeginResult(owner, null);
                    }
                }

                var existing = await ReadAsync(connection, key, now, cancellationToken).ConfigureAwait(false);
                if (existing is not null)
                {
                    return new IdempotencyBeginResult(null, existing);
                }
            }

            throw new InvalidOperationException($"The idempotency key '{key}' changed hands three times during one claim.");
        }
    }

    /// <inheritdoc />
    public async Task<bool> CompleteAsync(string key, Guid owner, IdempotentResponse response, TimeSpan retention, CancellationToken cancellationToken)
    {
        IdempotencyArguments.ValidateKey(key);
        ArgumentNullException.ThrowIfNull(response);
        IdempotencyArguments.ValidatePositive(retention, nameof(retention));
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await SqliteBusyRetry.RunAsync(token => StoreAsync(key, owner, response, retention, token), _timeProvider, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> StoreAsync(string key, Guid owner, IdempotentResponse response, TimeSpan retention, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE bulwark_idempotency SET state = 1, status = $status, headers = $headers, body = $body, expires_at = $expires
                WHERE key = $key AND owner = $owner AND state = 0;
                """;
            command.Parameters.AddWithValue("$status", response.StatusCode);
            command.Parameters.AddWithValue("$headers", IdempotentResponseSerializer.SerializeHeaders(response.Headers));
            command.Parameters.AddWithValue("$body", response.Body.ToArray());
            command.Parameters.AddWithValue("$expires", (_timeProvider.GetUtcNow() + retention).ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$owner", owner.ToString());
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    /// <inheritdoc />
    public async Task<bool> ReleaseAsync(string key, Guid owner, CancellationToken cancellationToken)
    {
        IdempotencyArguments.ValidateKey(key);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM bulwark_idempotency WHERE key = $key AND owner = $owner AND state = 0;";
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$owner", owner.ToString());
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    /// <inheritdoc />
    public async Task<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken)
    {
        IdempotencyArguments.ValidateKey(key);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ReadAsync(connection, key, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<int> CountLiveAsync(string scope, CancellationToken cancellationToken)
    {
        IdempotencyArguments.ValidateScope(scope);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM bulwark_idempotency WHERE scope = $scope AND expires_at > $now;";
            command.Parameters.AddWithValue("$scope", scope);
            command.Parameters.AddWithValue("$now", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <inheritdoc />
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM bulwark_idempotency WHERE expires_at <= $now;";
            command.Parameters.AddWithValue("$now", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _schema.Dispose();

    private static async Task<IdempotencyRecord?> ReadAsync(SqliteConnection connection, string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT fingerprint, owner, state, status, headers, body, expires_at
            FROM bulwark_idempotency WHERE key = $key AND expires_at > $now;
            """;
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            var state = (IdempotencyState)reader.GetInt32(2);
            var response = state == IdempotencyState.Completed
                ? new IdempotentResponse(reader.GetInt32(3), IdempotentResponseSerializer.DeserializeHeaders(reader.GetString(4)), (byte[])reader.GetValue(5))
                : null;
            return new IdempotencyRecord(key, reader.GetString(0), Guid.Parse(reader.GetString(1)), state, response, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)));
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
