using Bulwark.AspNetCore.Problems;
using Bulwark.EventSourcing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Shop.Infrastructure.Admin;
using Shop.Orders.Data;
using Shop.Orders.History;

namespace Shop.Orders.Api;

/// <summary>
/// One customer's orders out of this cell and into another (docs/cells.md, the edge's move, part <c>orders</c>): each
/// settled order's row and its lifecycle events with their original event ids, so the new cell's order history is the
/// same history. An order still pending is refused (its saga runs here; move the customer after it settles); the edge's
/// fence drains the customer's writes first, so a new one cannot start during the move. Import writes only what the new
/// cell lacks (a customer moved back finds their older copy) and refuses a history that diverged. Unsharded only: cells
/// run on the embedded default; with sharding on, both answer 409.
/// </summary>
internal static class OrderCellTransfer
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var cells = endpoints.MapGroup("/api/admin/cells/customers/{customerId:guid}/orders").WithTags("Cells");
        cells.MapGet("/", ExportAsync).WithName("ExportCustomerOrders").RequireShopAdmin().ProducesProblem(StatusCodes.Status409Conflict);
        cells.MapPost("/", ImportAsync).WithName("ImportCustomerOrders").RequireShopAdmin().ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Results<Ok<OrdersExport>, ProblemHttpResult>> ExportAsync(Guid customerId, OrderRepository orders, IEventStore events, CancellationToken cancellationToken)
    {
        if (orders.IsSharded)
        {
            return Sharded();
        }

        var exported = new List<ExportedOrder>();
        foreach (var order in await orders.ListOfCustomerAsync(customerId, cancellationToken))
        {
            if (order.Status == "Pending")
            {
                return ProblemResults.Conflict($"Order {order.Id} is still pending: its saga runs in this cell. Move the customer once it is confirmed or rejected.");
            }

            // The order log holds no personal field (no encryption to redo under the new cell's keys): copied as stored.
            var stream = await events.ReadStreamAsync(OrderEvents.StreamId(order.Id), 1, null, cancellationToken);
            exported.Add(new ExportedOrder(order, [.. stream.Select(e => new ExportedOrderEvent(e.EventId, e.EventType, e.Data.ToArray()))]));
        }

        return TypedResults.Ok(new OrdersExport(customerId, exported));
    }

    private static async Task<Results<Ok<OrdersImportReport>, ProblemHttpResult>> ImportAsync(
        Guid customerId, OrdersExport? body, OrderRepository orders, IEventStore events, CancellationToken cancellationToken)
    {
        if (orders.IsSharded)
        {
            return Sharded();
        }

        if (body?.Orders is null || body.CustomerId != customerId || body.Orders.Any(o => o.Order is null || o.Order.CustomerId != customerId || o.Events is null))
        {
            return ProblemResults.BadRequest("Send the export of this customer's orders (GET on this path in the old cell).");
        }

        int imported = 0, present = 0;
        long eventsAppended = 0;
        foreach (var (order, log) in body.Orders)
        {
            try
            {
                if (await orders.ImportSettledAsync(order, cancellationToken))
                {
                    imported++;
                }
                else
                {
                    present++;
                }
            }
            catch (InvalidOperationException e)
            {
                return ProblemResults.Conflict(e.Message);
            }

            try
            {
                var history = log.Select(e => new StreamCopyEvent(e.EventId, _ => ValueTask.FromResult(new EventData(e.EventId, e.EventType, e.Data)))).ToList();
                eventsAppended += (await events.AppendMissingAsync(OrderEvents.StreamId(order.Id), history, cancellationToken)).Appended;
            }
            catch (StreamHistoryConflictException e)
            {
                return ProblemResults.Conflict($"Order {order.Id}: {e.Message}");
            }
        }

        return TypedResults.Ok(new OrdersImportReport(body.Orders.Count, imported, present, eventsAppended));
    }

    private static ProblemHttpResult Sharded() =>
        ProblemResults.Conflict("Orders are sharded in this shop: a cell move carries wallets only here (cells run unsharded; a shard's bucket move carries orders instead).");

    internal sealed record OrdersExport(Guid CustomerId, IReadOnlyList<ExportedOrder> Orders);

    internal sealed record ExportedOrder(OrderRecord Order, IReadOnlyList<ExportedOrderEvent> Events);

    internal sealed record ExportedOrderEvent(Guid EventId, string EventType, byte[] Data);

    internal sealed record OrdersImportReport(int Orders, int Imported, int AlreadyPresent, long EventsAppended);
}
