using Bulwark.Idempotency;
using Npgsql;
using NpgsqlTypes;

namespace Bulwark.Postgres.Idempotency;

/// <summary>
/// Idempotency keys on PostgreSQL. The claim is one <c>INSERT ... ON CONFLICT DO UPDATE ... WHERE expired</c> on the
/// primary key, so exactly one of many concurrent requests, across any number of instances, gets it.
/// </summary>
public sealed class PostgresIdempotencyStore : IIdempotencyStore, IDisposable
{
    internal const string Component = "idempotency";

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE bulwark_idempotency (
            key text PRIMARY KEY,
            fingerprint text NOT NULL,
            owner uuid NOT NULL,
            state smallint NOT NULL,
            status integer NULL,
            headers jsonb NULL,
            body bytea NULL,
            expires_at timestamptz NOT NULL);
        CREATE INDEX ix_bulwark_idempotency_expires ON bulwark_idempotency (expires_at);
        """,
        // The caller scope as a column, so the per-caller cap counts with an index instead of a prefix scan.
        """
        ALTER TABLE bulwark_idempotency ADD COLUMN scope text NOT NULL DEFAULT '';
        UPDATE bulwark_idempotency SET scope = split_part(key, ':', 1) WHERE strpos(key, ':') > 0;
        CREATE INDEX ix_bulwark_idempotency_scope ON bulwark_idempotency (scope, expires_at);
        """,
    ];

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;
    private readonly PostgresSchemaGate _schema;

    /// <summary>Creates the store.</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="timeProvider">The clock for expiry.</param>
    public PostgresIdempotencyStore(NpgsqlDataSource dataSource, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _dataSource = dataSource;
        _timeProvider = timeProvider;
        _schema = new PostgresSchemaGate(dataSource, Component, Migrations);
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
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var now = _timeProvider.GetUtcNow();
                var owner = Guid.CreateVersion7(now);
                using (var claim = new NpgsqlCommand("""
                    INSERT INTO bulwark_idempotency (key, scope, fingerprint, owner, state, status, headers, body, expires_at)
                    VALUES (@key, @scope, @fingerprint, @owner, 0, NULL, NULL, NULL, @expires)
                    ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, owner = excluded.owner, state = 0,
                        status = NULL, headers = NULL, body = NULL, expires_at = excluded.expires_at
                    WHERE bulwark_idempotency.expires_at <= @now;
                    """, connection))
                {
                    claim.Parameters.AddWithValue("key", key);
                    claim.Parameters.AddWithValue("scope", IdempotencyArguments.ScopeOf(key));
                    claim.Parameters.AddWithValue("fingerprint", fingerprint);
                    claim.Parameters.AddWithValue("owner", owner);
                    claim.Parameters.AddWithValue("expires", now + lockTimeout);
                    claim.Parameters.AddWithValue("now", now);
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
        using var command = _dataSource.CreateCommand("""
            UPDATE bulwark_idempotency SET state = 1, status = @status, headers = @headers, body = @body, expires_at = @expires
            WHERE key = @key AND owner = @owner AND state = 0;
            """);
        command.Parameters.AddWithValue("status", response.StatusCode);
        command.Parameters.AddWithValue("headers", NpgsqlDbType.Jsonb, IdempotentResponseSerializer.SerializeHeaders(response.Headers));
        command.Parameters.AddWithValue("body", response.Body.ToArray());
        command.Parameters.AddWithValue("expires", _timeProvider.GetUtcNow() + retention);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("owner", owner);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> ReleaseAsync(string key, Guid owner, CancellationToken cancellationToken)
    {
        IdempotencyArguments.ValidateKey(key);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand("DELETE FROM bulwark_idempotency WHERE key = @key AND owner = @owner AND state = 0;");
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("owner", owner);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken)
    {
        IdempotencyArguments.ValidateKey(key);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
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
        using var command = _dataSource.CreateCommand("SELECT COUNT(*) FROM bulwark_idempotency WHERE scope = @scope AND expires_at > @now;");
        command.Parameters.AddWithValue("scope", scope);
        command.Parameters.AddWithValue("now", _timeProvider.GetUtcNow());
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand("DELETE FROM bulwark_idempotency WHERE expires_at <= @now;");
        command.Parameters.AddWithValue("now", _timeProvider.GetUtcNow());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _schema.Dispose();

    private static async Task<IdempotencyRecord?> ReadAsync(NpgsqlConnection connection, string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand("""
            SELECT fingerprint, owner, state, status, headers::text, body, expires_at
            FROM bulwark_idempotency WHERE key = @key AND expires_at > @now;
            """, connection);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("now", now);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            var state = (IdempotencyState)reader.GetInt16(2);
            var response = state == IdempotencyState.Completed
                ? new IdempotentResponse(reader.GetInt32(3), IdempotentResponseSerializer.DeserializeHeaders(reader.GetString(4)), reader.GetFieldValue<byte[]>(5))
                : null;
            return new IdempotencyRecord(key, reader.GetString(0), reader.GetGuid(1), state, response, reader.GetFieldValue<DateTimeOffset>(6));
        }
    }
}
