using System.Data.Common;
using System.Globalization;
using Bulwark.Data;
using Bulwark.Data.Schema;

namespace Bulwark.Idempotency;

/// <summary>
/// Idempotency keys on a SQL database. The claim is one <c>INSERT ... ON CONFLICT DO UPDATE ... WHERE expired</c> on
/// the primary key, so exactly one of many concurrent requests, across any number of instances, gets it.
/// </summary>
public sealed class SqlIdempotencyStore : SqlStore, IIdempotencyStore
{
    /// <summary>The key table's schema.</summary>
    public static SchemaComponent Schema { get; } = new SchemaComponent("idempotency")
        .For(
            SqlDialectNames.Sqlite,
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
            """)
        .For(
            SqlDialectNames.Postgres,
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
            """
            ALTER TABLE bulwark_idempotency ADD COLUMN scope text NOT NULL DEFAULT '';
            UPDATE bulwark_idempotency SET scope = split_part(key, ':', 1) WHERE strpos(key, ':') > 0;
            CREATE INDEX ix_bulwark_idempotency_scope ON bulwark_idempotency (scope, expires_at);
            """);


    /// <summary>Creates the store; does no I/O.</summary>
    /// <param name="database">The database.</param>
    /// <param name="timeProvider">The clock for expiry.</param>
    public SqlIdempotencyStore(SqlDatabase database, TimeProvider timeProvider)
        : base(database, Schema, timeProvider)
    {
    }

    /// <inheritdoc />
    public async Task<IdempotencyBeginResult> TryBeginAsync(string key, string fingerprint, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        IdempotencyArguments.ValidateKey(key);
        ArgumentException.ThrowIfNullOrEmpty(fingerprint);
        IdempotencyArguments.ValidatePositive(lockTimeout, nameof(lockTimeout));
        await Gate.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await Database.RunAsync((connection, token) => ClaimAsync(connection, key, fingerprint, lockTimeout, token), Clock, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> CompleteAsync(string key, Guid owner, IdempotentResponse response, TimeSpan retention, CancellationToken cancellationToken)
    {
        IdempotencyArguments.ValidateKey(key);
        ArgumentNullException.ThrowIfNull(response);
        IdempotencyArguments.ValidatePositive(retention, nameof(retention));
        return await ExecuteAsync(
            """
            UPDATE bulwark_idempotency SET state = 1, status = @status, headers = @headers, body = @body, expires_at = @expires
            WHERE key = @key AND owner = @owner AND state = 0;
            """,
            command => Dialect.WithJson(command.With("status", response.StatusCode), "headers", IdempotentResponseSerializer.SerializeHeaders(response.Headers))
                .With("body", response.Body.ToArray())
                .With("expires", Dialect.Timestamp(Clock.GetUtcNow() + retention))
                .With("key", key)
                .With("owner", Dialect.Uuid(owner)),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> ReleaseAsync(string key, Guid owner, CancellationToken cancellationToken)
    {
        IdempotencyArguments.ValidateKey(key);
        return await ExecuteAsync(
            "DELETE FROM bulwark_idempotency WHERE key = @key AND owner = @owner AND state = 0;",
            command => command.With("key", key).With("owner", Dialect.Uuid(owner)),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken)
    {
        IdempotencyArguments.ValidateKey(key);
        await Gate.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await Database.RunAsync((connection, token) => ReadAsync(connection, key, Clock.GetUtcNow(), token), Clock, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> CountLiveAsync(string scope, CancellationToken cancellationToken)
    {
        IdempotencyArguments.ValidateScope(scope);
        await Gate.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await Database.RunAsync(
            async (connection, token) =>
            {
                using var command = connection.CreateCommand("SELECT COUNT(*) FROM bulwark_idempotency WHERE scope = @scope AND expires_at > @now;")
                    .With("scope", scope)
                    .With("now", Dialect.Timestamp(Clock.GetUtcNow()));
                return Convert.ToInt32(await command.ExecuteScalarAsync(token).ConfigureAwait(false), CultureInfo.InvariantCulture);
            },
            Clock,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> OldestLiveExpiryAsync(string scope, CancellationToken cancellationToken)
    {
        IdempotencyArguments.ValidateScope(scope);
        await Gate.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return await Database.RunAsync<DateTimeOffset?>(
            async (connection, token) =>
            {
                // Ordered on the (scope, expires_at) index; MIN() would hand back a provider-specific type to convert.
                using var command = connection.CreateCommand("SELECT expires_at FROM bulwark_idempotency WHERE scope = @scope AND expires_at > @now ORDER BY expires_at LIMIT 1;")
                    .With("scope", scope)
                    .With("now", Dialect.Timestamp(Clock.GetUtcNow()));
                using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                return await reader.ReadAsync(token).ConfigureAwait(false) ? Dialect.ReadTimestamp(reader, 0) : null;
            },
            Clock,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<int> PurgeExpiredAsync(CancellationToken cancellationToken) =>
        ExecuteAsync(
            "DELETE FROM bulwark_idempotency WHERE expires_at <= @now;",
            command => command.With("now", Dialect.Timestamp(Clock.GetUtcNow())),
            cancellationToken);


    private async Task<IdempotencyBeginResult> ClaimAsync(DbConnection connection, string key, string fingerprint, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        // A record that vanished between the failed claim and the read is simply claimed again.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var now = Clock.GetUtcNow();
            var owner = Guid.CreateVersion7(now);
            using (var claim = connection.CreateCommand("""
                INSERT INTO bulwark_idempotency (key, scope, fingerprint, owner, state, status, headers, body, expires_at)
                VALUES (@key, @scope, @fingerprint, @owner, 0, NULL, NULL, NULL, @expires)
                ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint, owner = excluded.owner, state = 0,
                    status = NULL, headers = NULL, body = NULL, expires_at = excluded.expires_at
                WHERE bulwark_idempotency.expires_at <= @now;
                """)
                .With("key", key)
                .With("scope", IdempotencyArguments.ScopeOf(key))
                .With("fingerprint", fingerprint)
                .With("owner", Dialect.Uuid(owner))
                .With("expires", Dialect.Timestamp(now + lockTimeout))
                .With("now", Dialect.Timestamp(now)))
            {
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

    private async Task<IdempotencyRecord?> ReadAsync(DbConnection connection, string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand("""
            SELECT fingerprint, owner, state, status, headers, body, expires_at
            FROM bulwark_idempotency WHERE key = @key AND expires_at > @now;
            """)
            .With("key", key)
            .With("now", Dialect.Timestamp(now));
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            var state = (IdempotencyState)reader.GetInt32(2);
            var response = state == IdempotencyState.Completed
                ? new IdempotentResponse(reader.GetInt32(3), IdempotentResponseSerializer.DeserializeHeaders(reader.GetString(4)), reader.GetFieldValue<byte[]>(5))
                : null;
            return new IdempotencyRecord(key, reader.GetString(0), Dialect.ReadUuid(reader, 1), state, response, Dialect.ReadTimestamp(reader, 6));
        }
    }
}
