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
            using var command = connection.CreateCommand("SELECT 1;");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{database.Dialect.Name} database {database.Location} answers", data);
        }
        catch (Exception e) when (e is DbException or IOException or UnauthorizedAccessException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"{database.Dialect.Name} database {database.Location} unavailable: {e.Message}", data: data);
        }
    }
}
