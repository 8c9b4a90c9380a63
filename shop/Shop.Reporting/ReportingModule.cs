using System.Globalization;
using Bulwark.AspNetCore.Problems;
using Bulwark.Resilience.Bulkhead;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using Shop.Infrastructure.Sqlite;
using Shop.Reporting.Contracts;

namespace Shop.Reporting;

/// <summary>
/// The Reporting module's one entry point. Reports are deliberately expensive queries; they run through the
/// <c>reporting</c> pipeline (a small bulkhead), so a burst of reports is refused with 503 + Retry-After instead of
/// taking the threads and connections the catalogue needs (Codex 02).
/// </summary>
public static class ReportingModule
{
    /// <summary>The resilience pipeline (bulkhead) every report runs in.</summary>
    public const string Pipeline = "reporting";

    /// <summary>Registers nothing of its own; the <c>reporting</c> pipeline comes from <c>AddBulwarkResilience</c>.</summary>
    public static IServiceCollection AddReportingModule(this IServiceCollection services) => services;

    /// <summary>Maps <c>/api/reports</c>.</summary>
    public static IEndpointRouteBuilder MapReportingEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/reports").WithTags("Reporting")
            .MapGet("/price-distribution", PriceDistributionAsync).WithName("PriceDistributionReport");
        return endpoints;
    }

    private static async Task<Results<Ok<PriceDistribution>, ProblemHttpResult>> PriceDistributionAsync(
        HttpContext http,
        ResiliencePipelineProvider<string> pipelines,
        IOptions<ShopDataOptions> data,
        CancellationToken cancellationToken)
    {
        var pipeline = pipelines.GetPipeline(Pipeline);
        // The outcome API: a full compartment is a value, not a thrown exception, so refusing costs next to nothing.
        var outcome = await pipeline.ExecuteOutcomeAsync(
            static async (context, path) => Outcome.FromResult(await RunAsync(path, context.CancellationToken)),
            ResilienceContextPool.Shared.Get(cancellationToken),
            data.Value.Path);

        if (outcome.Exception is BulkheadRejectedException rejected)
        {
            http.Response.Headers.RetryAfter = Math.Ceiling(rejected.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return ProblemResults.Create(StatusCodes.Status503ServiceUnavailable, "Reporting is busy", $"All '{rejected.Compartment}' slots are taken; try again shortly.");
        }

        outcome.ThrowIfException();
        return TypedResults.Ok(outcome.Result!);
    }

    // A deliberately heavy aggregate: a million simulated price points bucketed in SQLite, the kind of query that
    // would hold a connection and a core for a noticeable time.
    private static async Task<PriceDistribution> RunAsync(string dataPath, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(ShopDataOptions.ConnectionString(dataPath));
        await connection.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
            SELECT (i * 7919 % 10000) / 1000 AS bucket, COUNT(*) FROM n GROUP BY bucket ORDER BY bucket;
            """;
        var buckets = new List<long>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            buckets.Add(reader.GetInt64(1));
        }

        return new PriceDistribution(buckets);
    }
}
