using System.Collections.Concurrent;
using System.Data.Common;
using Bulwark.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bulwark.EventSourcing;

/// <summary>
/// Projection leases in the event store's database. On a database with row locks (PostgreSQL) a lease is a
/// session-level advisory lock held on a connection of its own: it ends when the holder's process or connection dies,
/// with no expiry to wait for, and a follower's next <see cref="TryHoldAsync"/> takes it. A single-writer database
/// (SQLite) serves one process, which is always the writer.
/// </summary>
public sealed partial class SqlProjectionLease : IProjectionLease, IAsyncDisposable
{
    // The advisory-lock space of projection leases; names hash into the second int (a collision only makes two
    // projections share a writer, never two writers share a projection).
    private const int LeaseLockSpace = 0x0B17_0017;

    private readonly SqlDatabase _database;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, DbConnection> _held = new(StringComparer.Ordinal);

    /// <summary>Creates the leases; does no I/O.</summary>
    /// <param name="database">The event store's database.</param>
    /// <param name="logger">Logs when a lease is taken or lost.</param>
    public SqlProjectionLease(SqlDatabase database, ILogger<SqlProjectionLease>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    /// <remarks>Callers serialize calls per projection (the runner's gate); different projections may call at once.</remarks>
    public async ValueTask<bool> TryHoldAsync(string projection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(projection);
        if (_database.Dialect.Concurrency != SqlConcurrency.RowLocks)
        {
            return true;
        }

        if (_held.TryGetValue(projection, out var held))
        {
            // The lock lives as long as the session: a session that still answers still holds it.
            try
            {
                using var ping = held.CreateCommand("SELECT 1;");
                await ping.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or IOException)
            {
                _held.TryRemove(projection, out _);
                await held.DisposeAsync().ConfigureAwait(false);
                LogLost(_logger, e, projection);
            }
        }

        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var take = connection.CreateCommand("SELECT pg_try_advisory_lock(@space, hashtext(@name));")
                .With("space", LeaseLockSpace)
                .With("name", projection);
            if (await take.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                _held[projection] = connection;
                LogTaken(_logger, projection);
                return true;
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await connection.DisposeAsync().ConfigureAwait(false);
        return false;
    }

    /// <inheritdoc />
    public async ValueTask ReleaseAsync(string projection)
    {
        ArgumentNullException.ThrowIfNull(projection);
        if (!_held.TryRemove(projection, out var connection))
        {
            return;
        }

        try
        {
            // Unlocked before the connection goes back to the pool: a pooled session must not carry the lock on.
            using var release = connection.CreateCommand("SELECT pg_advisory_unlock(@space, hashtext(@name));")
                .With("space", LeaseLockSpace)
                .With("name", projection);
            await release.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
            LogReleased(_logger, projection);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or IOException)
        {
            // The session is gone, and the lock with it.
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var projection in _held.Keys)
        {
            await ReleaseAsync(projection).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 1704, Level = LogLevel.Information, Message = "This process is now the writer of projection {Projection}")]
    private static partial void LogTaken(ILogger logger, string projection);

    [LoggerMessage(EventId = 1705, Level = LogLevel.Warning, Message = "This process lost the writer lease of projection {Projection}; it follows the writer's checkpoint until it takes the lease again")]
    private static partial void LogLost(ILogger logger, Exception exception, string projection);

    [LoggerMessage(EventId = 1706, Level = LogLevel.Information, Message = "This process gave up the writer lease of projection {Projection}")]
    private static partial void LogReleased(ILogger logger, string projection);
}
