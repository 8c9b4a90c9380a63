using System.Globalization;
using Bulwark.AspNetCore.Problems;
using Bulwark.Resilience.Bulkhead;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polly;
using Polly.Registry;
using Bulwark.Data;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Modules;
using Shop.Reporting.Contracts;

namespace Shop.Reporting;

/// <summary>
/// The Reporting module's one entry point. Reports are deliberately expensive queries; they run through the
/// <c>reporting</c> pipeline (a small bulkhead), so a burst of reports is refused with 503 + Retry-After instead of
/// taking the threads and connections the catalogue needs (Codex 02).
/// </summary>
public sealed class ReportingModule : IShopModule
{
    /// <summary>The resilience pipeline (bulkhead) every report runs in.</summary>
    public const string Pipeline = "reporting";

    private ReportingModule()
    {
    }

    /// <summary>The module's name.</summary>
    public static string Name => "reporting";

    /// <summary>None: reports read the shop database without tables of their own.</summary>
    public static IReadOnlyList<ModuleMigration> Migrations => [];

    /// <summary>Registers nothing of its own; the <c>reporting</c> pipeline comes from <c>AddBulwarkResilience</c>.</summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    /// <summary>Maps <c>/api/reports</c>.</summary>
    public static void MapEndpoints(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGroup("/api/reports").WithTags("Reporting")
            .MapGet("/price-distribution", PriceDistributionAsync).WithName("PriceDistributionReport");

    private static async Task<Results<Ok<PriceDistribution>, ProblemHttpResult>> PriceDistributionAsync(
        HttpContext http,
        ResiliencePipelineProvider<string> pipelines,
        ShopDatabase database,
        CancellationToken cancellationToken)
    {
        var pipeline = pipelines.GetPipeline(Pipeline);
        // The outcome API: a full compartment is a value, not a thrown exception, so refusing costs next to nothing.
        var outcome = await pipeline.ExecuteOutcomeAsync(
            static async (context, database) => Outcome.FromResult(await RunAsync(database, context.CancellationToken)),
            ResilienceContextPool.Shared.Get(cancellationToken),
            database);

        if (outcome.Exception is BulkheadRejectedException rejected)
        {
            http.Response.Headers.RetryAfter = Math.Ceiling(rejected.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return ProblemResults.Create(StatusCodes.Status503ServiceUnavailable, "Reporting is busy", $"All '{rejected.Compartment}' slots are taken; try again shortly.");
        }

        outcome.ThrowIfException();
        return TypedResults.Ok(outcome.Result!);
    }

    // A deliberately heavy aggregate: a million simulated price points bucketed in the shop database, the kind of
    // query that would hold a connection and a core for a noticeable time. 64-bit from the start: i * 7919 outgrows
    // PostgreSQL's integer.
    private static async Task<PriceDistribution> RunAsync(ShopDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand("""
            WITH RECURSIVE n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
            SELECT (i * 7919 % 10000) / 1000 AS bucket, COUNT(*) FROM n GROUP BY bucket ORDER BY bucket;
            """);
        var buckets = new List<long>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            buckets.Add(reader.GetInt64(1));
        }

        return new PriceDistribution(buckets);
    }
}
