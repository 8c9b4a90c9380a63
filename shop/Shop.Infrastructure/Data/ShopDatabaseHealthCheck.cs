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
internal sealed class ShopDatabaseHealthCheck(ShopDatabase database, IOptions<ShopDataOptions> options, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["provider"] = database.Dialect.Name, ["location"] = database.Location };
        var timeout = options.Value.ReadinessTimeout;
        using var expired = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, expired.Token);
        try
        {
            await using var connection = await database.OpenAsync(linked.Token);
            if (connection is SqliteConnection sqlite)
            {
                // SQLite waits out a lock synchronously (busy_timeout, then the provider's own retries up to the command
                // timeout), deaf to the token: the wait itself must be short, or a locked database makes readiness hang
                // for the shop's 5 s instead of failing. The data source sets busy_timeout again on every open, so the
                // pooled handle does not keep this value.
                sqlite.DefaultTimeout = 1;
                using var pragma = connection.CreateCommand($"PRAGMA busy_timeout={(int)Math.Max(1, timeout.TotalMilliseconds)};");
                await pragma.ExecuteNonQueryAsync(linked.Token);
            }

            // In the transaction every write of the shop begins (SQLite: IMMEDIATE, which takes the write lock): in WAL
            // mode readers pass a held write lock, so a read alone stays ready while every order and sign-up waits and fails.
            await using var transaction = await database.Dialect.BeginWriteAsync(connection, linked.Token);
            // A table, not "SELECT 1": a pooled SQLite connection answers a constant without reading the file, so a file
            // turned to garbage under it would still look ready.
            using var command = connection.CreateCommand($"SELECT COUNT(*) FROM {SchemaMigrator.HistoryTable};", transaction);
            await command.ExecuteScalarAsync(linked.Token);
            await transaction.RollbackAsync(linked.Token);
            return HealthCheckResult.Healthy($"{database.Dialect.Name} database {database.Location} takes a write", data);
        }
        catch (OperationCanceledException) when (expired.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{database.Dialect.Name} database {database.Location} did not take a write within {timeout.TotalMilliseconds:0} ms", data: data);
        }
        catch (Exception e) when (e is DbException or IOException or UnauthorizedAccessException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"{database.Dialect.Name} database {database.Location} unavailable: {e.Message}", data: data);
        }
    }
}
