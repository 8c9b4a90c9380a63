using Bulwark.Data.Schema;
using System.Data.Common;
using Bulwark.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Shop.Infrastructure.Data;

/// <summary>
/// Readiness: the shop database would take a write now, within <see cref="ShopDataOptions.ReadinessTimeout"/>. Names the
/// provider and where it is, never a password. See docs/drills.md, "Silent Failure".
/// </summary>
internal sealed class ShopDatabaseHealthCheck(ShopDatabaseWriteProbe probe, ShopDatabase database, IOptions<ShopDataOptions> options, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["provider"] = database.Dialect.Name, ["location"] = database.Location };
        var timeout = options.Value.ReadinessTimeout;
        try
        {
            // The answer comes at the timeout whatever the provider does: SQLite waits out a lock synchronously and deaf
            // to any token, in the busy handler and then in the provider's own retries, so a token alone let one probe
            // take three times its timeout on a loaded machine.
            await probe.WriteAsync(timeout).WaitAsync(timeout, time, cancellationToken);
            return HealthCheckResult.Healthy($"{database.Dialect.Name} database {database.Location} takes a write", data);
        }
        catch (TimeoutException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{database.Dialect.Name} database {database.Location} did not take a write within {timeout.TotalMilliseconds:0} ms", data: data);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{database.Dialect.Name} database {database.Location} did not take a write within {timeout.TotalMilliseconds:0} ms", data: data);
        }
        catch (Exception e) when (e is DbException or IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy($"{database.Dialect.Name} database {database.Location} unavailable: {e.Message}", data: data);
        }
    }
}

/// <summary>
/// Tries a write transaction on the shop database for readiness, one attempt at a time per process. An attempt stuck
/// on a locked SQLite file keeps its own thread, off the pool, until SQLite gives up; the probes that come meanwhile
/// wait on that same attempt instead of stacking more stuck threads on a host that is already short of them.
/// </summary>
internal sealed class ShopDatabaseWriteProbe(ShopDatabase database, TimeProvider time)
{
    private readonly Lock _gate = new();
    private Task? _attempt;

    /// <summary>The current attempt, or a new one when none is running.</summary>
    /// <param name="timeout">How long the database may keep the write lock from a new attempt.</param>
    /// <returns>Completes when the database took (and gave back) a write, or fails with why not.</returns>
    /// <remarks>An attempt takes no caller's token: the probes that come while it runs share it.</remarks>
    public Task WriteAsync(TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_attempt is { IsCompleted: false } running)
            {
                return running;
            }

            _attempt = Task.Factory.StartNew(() => TryWriteAsync(timeout), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
            return _attempt;
        }
    }

    private async Task TryWriteAsync(TimeSpan timeout)
    {
        // Bounds the asynchronous providers' steps (PostgreSQL), so a hung server does not keep one attempt forever.
        using var expired = new CancellationTokenSource(timeout * 2, time);
        await using var connection = await database.OpenAsync(expired.Token).ConfigureAwait(false);
        if (connection is SqliteConnection sqlite)
        {
            // The shortest wait SQLite allows: a busy_timeout of the readiness timeout, and the provider's own retry
            // loop (whole seconds) at its minimum. The data source sets busy_timeout again on every open, so the
            // pooled handle does not keep these.
            sqlite.DefaultTimeout = 1;
            using var pragma = connection.CreateCommand($"PRAGMA busy_timeout={(int)Math.Max(1, timeout.TotalMilliseconds)};");
            await pragma.ExecuteNonQueryAsync(expired.Token).ConfigureAwait(false);
        }

        // In the transaction every write of the shop begins (SQLite: IMMEDIATE, which takes the write lock): in WAL
        // mode readers pass a held write lock, so a read alone stays ready while every order and sign-up waits and fails.
        await using var transaction = await database.Dialect.BeginWriteAsync(connection, expired.Token).ConfigureAwait(false);
        // A table, not "SELECT 1": a pooled SQLite connection answers a constant without reading the file, so a file
        // turned to garbage under it would still look ready.
        using var command = connection.CreateCommand($"SELECT COUNT(*) FROM {SchemaMigrator.HistoryTable};", transaction);
        await command.ExecuteScalarAsync(expired.Token).ConfigureAwait(false);
        await transaction.RollbackAsync(expired.Token).ConfigureAwait(false);
    }
}
