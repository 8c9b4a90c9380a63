using Bulwark.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Shop.Analytics.Contracts;
using Shop.Infrastructure.Admin;
using Shop.Infrastructure.Data;

namespace Shop.Analytics.Api;

internal static class AnalyticsEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/analytics/events", ListAsync).WithTags("Analytics").WithName("CountEvents").RequireShopAdmin();

    private static async Task<Ok<EventCountDto[]>> ListAsync(ModuleDatabase<AnalyticsModule> db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand("SELECT event_type, count FROM analytics_counters ORDER BY event_type;");
        var list = await query.ReadAllAsync(r => new EventCountDto(r.GetString(0), r.GetInt64(1)), cancellationToken);
        return TypedResults.Ok(list.ToArray());
    }
}
