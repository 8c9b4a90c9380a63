using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Shop.Infrastructure.Sqlite;

/// <summary>Readiness check: the module's database file opens and answers a query.</summary>
public sealed class ModuleDatabaseHealthCheck(ModuleDatabase database) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1;";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{database.Module} database answers");
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy($"{database.Module} database unavailable: {e.Message}");
        }
    }
}
