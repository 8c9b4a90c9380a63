using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Bulwark.Edge.Cells;

/// <summary>The cell router's operator endpoints under <c>/edge/cells</c> (operator key required, like every <c>/edge</c> call).</summary>
internal static class CellEndpoints
{
    public static void Map(RouteGroupBuilder cells)
    {
        cells.MapGet("/", Report).WithName("EdgeCells");
        cells.MapGet("/customers/{customer}", Find).WithName("EdgeCellOfCustomer");
        cells.MapPut("/customers/{customer}", Pin).WithName("EdgeCellPin");
        cells.MapPut("/{cell}/mark", Mark).WithName("EdgeCellMark");
        cells.MapPost("/move", MoveAsync).WithName("EdgeCellMove");
    }

    private static Results<Ok<CellsReport>, ProblemHttpResult> Report(CellRouter router)
    {
        if (router.Table is not { } table)
        {
            return ProblemResults.NotFound("No cells are configured (Edge:Cells:Cells).");
        }

        var options = router.Options;
        var buckets = table.BucketsPerCell();
        return TypedResults.Ok(new CellsReport(
            options.Routing,
            table.BucketCount,
            table.Overrides,
            router.GlobalCell,
            [.. options.Cells.Select(c =>
            {
                var health = router.HealthOf(c.Key);
                return new CellStatus(c.Key, c.Value.Url, table.MarkOf(c.Key), health.IsUp, health.Reason, health.Since, router.Serves(c.Key),
                    table.Count(c.Key), c.Value.Capacity, c.Value.Weight, buckets.GetValueOrDefault(c.Key));
            })]));
    }

    private static Results<Ok<CellAssignment>, ProblemHttpResult> Find(string customer, CellRouter router) =>
        router.Table?.Find(customer) is { } assignment
            ? TypedResults.Ok(assignment)
            : ProblemResults.NotFound($"The edge has not placed customer '{customer}' yet; their first request will.");

    private static Results<Ok<CellAssignment>, ProblemHttpResult> Pin(string customer, CellRequest? body, CellRouter router)
    {
        if (body?.Cell is not { Length: > 0 } cell)
        {
            return ProblemResults.BadRequest("Send {\"cell\": \"cell-b\"}.");
        }

        if (Known(router, cell) is not { } name)
        {
            return UnknownCell(router, cell);
        }

        // Only the route moves: the customer's data stays where it is (POST /edge/cells/move copies it).
        router.Pin(customer, name, "operator pin");
        return TypedResults.Ok(router.Table!.Find(customer)!);
    }

    private static Results<Ok<CellStatus>, ProblemHttpResult> Mark(string cell, MarkRequest? body, CellRouter router)
    {
        if (Known(router, cell) is not { } name)
        {
            return UnknownCell(router, cell);
        }

        if (body?.Mark is not { } mark || !Enum.IsDefined(mark))
        {
            return ProblemResults.BadRequest("Send {\"mark\": \"Open\"}, {\"mark\": \"Draining\"} (no new customers) or {\"mark\": \"Down\"} (its customers get 503).");
        }

        router.Mark(name, mark);
        return TypedResults.Ok(Report(router).Result is Ok<CellsReport> ok ? ok.Value!.Cells.Single(c => c.Name == name) : null!);
    }

    private static async Task<Results<Ok<CellMoveReport>, ProblemHttpResult>> MoveAsync(MoveRequest? body, CellRouter router, CellMover mover, CancellationToken cancellationToken)
    {
        if (body?.Customer is not { Length: > 0 } customer || body.To is not { Length: > 0 } to)
        {
            return ProblemResults.BadRequest("Send {\"customer\": \"<id>\", \"to\": \"cell-b\"}.");
        }

        if (Known(router, to) is not { } name)
        {
            return UnknownCell(router, to);
        }

        var result = await mover.MoveAsync(customer, name, cancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            StatusCodes.Status200OK => TypedResults.Ok(result.Report!),
            StatusCodes.Status404NotFound => ProblemResults.NotFound(result.Detail),
            StatusCodes.Status409Conflict => ProblemResults.Conflict(result.Detail),
            StatusCodes.Status502BadGateway => ProblemResults.Create(StatusCodes.Status502BadGateway, "Move failed", result.Detail),
            _ => ProblemResults.Unprocessable(result.Detail),
        };
    }

    private static string? Known(CellRouter router, string cell) =>
        router.Options.Cells.Keys.FirstOrDefault(k => string.Equals(k, cell, StringComparison.OrdinalIgnoreCase));

    private static ProblemHttpResult UnknownCell(CellRouter router, string cell) =>
        ProblemResults.NotFound($"No cell '{cell}'; the cells are: {string.Join(", ", router.Options.Cells.Keys)}.");

    internal sealed record CellRequest(string? Cell);

    internal sealed record MarkRequest(CellMark? Mark);

    internal sealed record MoveRequest(string? Customer, string? To);
}

/// <summary>The cell router at a glance.</summary>
/// <param name="Routing">Cells, or the shared-pool demonstration.</param>
/// <param name="Buckets">How many buckets customers hash into.</param>
/// <param name="Overrides">Customers pinned or moved to a cell by hand.</param>
/// <param name="GlobalCell">The cell that serves the global paths.</param>
/// <param name="Cells">Each cell.</param>
public sealed record CellsReport(CellRouting Routing, int Buckets, int Overrides, string GlobalCell, IReadOnlyList<CellStatus> Cells);

/// <summary>One cell as the router sees it.</summary>
/// <param name="Name">The cell.</param>
/// <param name="Url">Its base URL.</param>
/// <param name="Mark">The operator's mark.</param>
/// <param name="Healthy">Whether passive and active health say it answers.</param>
/// <param name="DownReason">Why it is down, when it is.</param>
/// <param name="HealthSince">When its health last changed.</param>
/// <param name="Serving">Whether its customers are routed to it now (configured, not marked down, healthy).</param>
/// <param name="Customers">Customers it holds.</param>
/// <param name="Capacity">Customers it may hold.</param>
/// <param name="Weight">Its share of new customers.</param>
/// <param name="Buckets">Buckets the table points at it.</param>
public sealed record CellStatus(
    string Name, string Url, CellMark Mark, bool Healthy, string? DownReason, DateTimeOffset? HealthSince, bool Serving, int Customers, int Capacity, double Weight, int Buckets);
