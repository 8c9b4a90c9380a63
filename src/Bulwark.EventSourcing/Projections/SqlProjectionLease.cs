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

    // One operation at a time on a projection's held session: a connection runs one command at a time, and the
    // runner's ping, its release at stop and the container's dispose can otherwise meet on it.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _turns = new(StringComparer.Ordinal);

    // Cancelled by DisposeAsync so an in-flight take or ping gives way instead of holding the dispose up. Never
    // disposed itself (it has no timer): a caller racing the dispose may still read its token.
    private readonly CancellationTokenSource _disposing = new();
    private int _disposed;

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
    /// <remarks>
    /// Safe to call concurrently with <see cref="ReleaseAsync"/> and <see cref="DisposeAsync"/>; once disposed, the lease
    /// holds nothing and answers <see langword="false"/> without I/O.
    /// </remarks>
    public async ValueTask<bool> TryHoldAsync(string projection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(projection);
        if (_database.Dialect.Concurrency != SqlConcurrency.RowLocks)
        {
            return true;
        }

        if (Volatile.Read(ref _disposed) != 0)
        {
            return false;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        var turn = _turns.GetOrAdd(projection, static _ => new SemaphoreSlim(1, 1));
        try
        {
            await turn.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false; // disposed while waiting
        }

        try
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return false;
            }

            return await HoldUnderTurnAsync(projection, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false; // disposed mid-flight: the dropped session took the lock with it
        }
        finally
        {
            turn.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask ReleaseAsync(string projection)
    {
        ArgumentNullException.ThrowIfNull(projection);
        if (_turns.TryGetValue(projection, out var turn))
        {
            await ReleaseInTurnAsync(projection, turn).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Gives every held lease up. An in-flight take or ping is cancelled first (its session is then dropped, which frees
    /// its lock too); never throws.
    /// </summary>
    /// <returns>A task that completes when no lease of this process is held.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        foreach (var (projection, turn) in _turns)
        {
            await ReleaseInTurnAsync(projection, turn).ConfigureAwait(false);
        }
    }

    // Waits for the projection's turn (a take or ping in flight finishes first) without a token: a release is never
    // given up half-way.
    private async ValueTask ReleaseInTurnAsync(string projection, SemaphoreSlim turn)
    {
        await turn.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await ReleaseUnderTurnAsync(projection).ConfigureAwait(false);
        }
        finally
        {
            turn.Release();
        }
    }

    private async ValueTask<bool> HoldUnderTurnAsync(string projection, CancellationToken cancellationToken)
    {
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
                await DropAsync(projection, held).ConfigureAwait(false);
                LogLost(_logger, e, projection);
            }
            catch (OperationCanceledException)
            {
                // A cancelled command leaves its session in a state not worth trusting: drop it (and the lock with it).
                await DropAsync(projection, held).ConfigureAwait(false);
                throw;
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
            await CloseQuietlyAsync(connection).ConfigureAwait(false);
            throw;
        }

        await CloseQuietlyAsync(connection).ConfigureAwait(false);
        return false;
    }

    private async ValueTask ReleaseUnderTurnAsync(string projection)
    {
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
            await CloseQuietlyAsync(connection).ConfigureAwait(false);
        }
    }

    private async ValueTask DropAsync(string projection, DbConnection held)
    {
        _held.TryRemove(projection, out _);
        await CloseQuietlyAsync(held).ConfigureAwait(false);
    }

    // Closing a broken session can itself fail; the server ends the session (and its advisory locks) either way.
    private async ValueTask CloseQuietlyAsync(DbConnection connection)
    {
        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or IOException)
        {
            LogCloseFailed(_logger, e);
        }
    }

    [LoggerMessage(EventId = 1704, Level = LogLevel.Information, Message = "This process is now the writer of projection {Projection}")]
    private static partial void LogTaken(ILogger logger, string projection);

    [LoggerMessage(EventId = 1705, Level = LogLevel.Warning, Message = "This process lost the writer lease of projection {Projection}; it follows the writer's checkpoint until it takes the lease again")]
    private static partial void LogLost(ILogger logger, Exception exception, string projection);

    [LoggerMessage(EventId = 1706, Level = LogLevel.Information, Message = "This process gave up the writer lease of projection {Projection}")]
    private static partial void LogReleased(ILogger logger, string projection);

    [LoggerMessage(EventId = 1707, Level = LogLevel.Debug, Message = "A projection lease session did not close cleanly; the server ends it and its lock")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception);
}
