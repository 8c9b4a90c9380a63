using Bulwark.Data.Schema;
using System.Data.Common;
using Bulwark.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Shop.Infrastructure.Data;

/// <summary>Readiness: the shop database answers a query. Names the provider and where it is, never a password.</summary>
internal sealed class ShopDatabaseHealthCheck(ShopDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["provider"] = database.Dialect.Name, ["location"] = database.Location };
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            // A table, not "SELECT 1": a pooled SQLite connection answers a constant without reading the file, so a file
            // turned to garbage under it would still look ready.
            using var command = connection.CreateCommand($"SELECT COUNT(*) FROM {SchemaMigrator.HistoryTable};");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{database.Dialect.Name} database {database.Location} answers", data);
        }
        catch (Exception e) when (e is DbException or IOException or UnauthorizedAccessException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"{database.Dialect.Name} database {database.Location} unavailable: {e.Message}", data: data);
        }
    }
}
