using System.Globalization;
using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Shop.Infrastructure.Admin;
using Shop.Infrastructure.Api;
using Shop.Inventory.Contracts;
using Shop.Inventory.StockSync;

namespace Shop.Inventory.Api;

internal static class InventoryEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var inventory = endpoints.MapGroup("/api/inventory").WithTags("Inventory");
        inventory.MapGet("/{productId}", GetAsync).WithName("GetStock");
        // Operators: run a stock sync now, and read the lines it set aside (docs/anti-corruption-layer.md).
        inventory.MapPost("/stock-sync", SyncAsync).WithName("RunStockSync").RequireShopAdmin();
        inventory.MapGet("/stock-sync/quarantine", QuarantineAsync).WithName("ListQuarantinedStockLines").RequireShopAdmin();
    }

    private static async Task<Results<Ok<StockSyncReport>, ProblemHttpResult>> SyncAsync(StockSyncService sync, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(await sync.SyncAsync(cancellationToken));
        }
        catch (StockSourceUnavailableException e)
        {
            return ProblemResults.Create(StatusCodes.Status503ServiceUnavailable, "Stock count source unavailable", $"{e.Message}; nothing was applied.");
        }
    }

    private static async Task<Results<Ok<QuarantineView>, ProblemHttpResult>> QuarantineAsync(int? page, int? pageSize, StockSyncService sync, CancellationToken cancellationToken)
    {
        var (window, problem) = Page.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var (total, lines) = await sync.ListQuarantinedAsync(window.Size, window.Offset, cancellationToken);
        return TypedResults.Ok(new QuarantineView(total, lines));
    }

    internal sealed record QuarantineView(long Total, IReadOnlyList<QuarantinedLine> Lines);

    private static async Task<Results<Ok<StockView>, ProblemHttpResult>> GetAsync(IInventoryApi inventory, string productId, CancellationToken cancellationToken)
    {
        if (!int.TryParse(productId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
        {
            return ProblemResults.BadRequest($"A product id is a positive whole number; got '{productId}'.");
        }

        var stock = await inventory.GetStockAsync(id, cancellationToken);
        return stock is null
            ? ProblemResults.NotFound($"No stock is kept for product {id}.")
            : TypedResults.Ok(new StockView(stock.ProductId, stock.OnHand, stock.Reserved, stock.Available));
    }

    internal sealed record StockView(int ProductId, int OnHand, int Reserved, int Available);
}
