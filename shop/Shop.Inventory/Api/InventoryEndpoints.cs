using System.Globalization;
using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Shop.Inventory.Contracts;

namespace Shop.Inventory.Api;

internal static class InventoryEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGroup("/api/inventory").WithTags("Inventory")
            .MapGet("/{productId}", GetAsync).WithName("GetStock");

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
