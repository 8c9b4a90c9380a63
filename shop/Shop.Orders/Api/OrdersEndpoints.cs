using Bulwark.AspNetCore.Idempotency;
using Bulwark.AspNetCore.Problems;
using Bulwark.EventSourcing;
using Bulwark.Sagas;
using Bulwark.Sharding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Api;
using Shop.Catalog.Contracts;
using Shop.Orders.Contracts;
using Shop.Orders.Data;
using Shop.Orders.Fulfilment;
using Shop.Payments.Contracts;
using Shop.Orders.History;
using Shop.Orders.Sharding;
using Shop.Infrastructure.Admin;
using Shop.Infrastructure.Auth;
using Shop.Infrastructure.Sharding;

namespace Shop.Orders.Api;

internal static class OrdersEndpoints
{
    private const int MaxLines = 50;
    private const int MaxQuantity = 100;
    private const string OrdersMovingType = ProblemTypes.Base + "orders-moving";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var orders = endpoints.MapGroup("/api/orders").WithTags("Orders");
        orders.MapPost("/", PlaceAsync).WithName("PlaceOrder").RequireCustomer().RequireIdempotencyKey();
        orders.MapGet("/{id}", GetAsync).WithName("GetOrder").RequireCustomerOrOperator();
        endpoints.MapGet("/api/customers/{id}/orders", HistoryAsync).WithTags("Orders").WithName("GetOrderHistory").RequireCustomerOrOperator();
        // Operators: order counts by status on every shard at once, missing shards named (docs/sharding.md).
        endpoints.MapGet("/api/admin/orders/summary", (OrderFleet fleet, CancellationToken cancellationToken) => fleet.SummarizeAsync(cancellationToken))
            .WithTags("Orders").WithName("OrderSummary").RequireShopAdmin();
        // Operators: a customer's settled orders carried by a cell move (docs/cells.md).
        OrderCellTransfer.Map(endpoints);
    }

    private static async Task<Results<Accepted<OrderView>, ProblemHttpResult>> PlaceAsync(
        PlaceOrder? body, ShopCaller caller, ICatalogApi catalog, OrderRepository orders, OrderIds ids, OrderLog log, OrderFulfilmentRunner runner, TimeProvider time, CancellationToken cancellationToken)
    {
        if (body?.Items is null || body.CardToken is null || body.ShippingPostcode is null)
        {
            return ProblemResults.BadRequest("Send {\"items\":[{\"productId\":1,\"quantity\":2}],\"cardToken\":\"tok_visa\",\"shippingPostcode\":\"10115\"}.");
        }

        // The customer is the signed-in caller, never a field of the body (a body's customerId is ignored).
        var customerId = caller.CustomerId!.Value;
        var errors = new List<string>();
        if (body.Items.Count is 0 or > MaxLines)
        {
            errors.Add($"an order has 1 to {MaxLines} items.");
        }

        if (body.Items.Any(i => i is null || i.Quantity is < 1 or > MaxQuantity))
        {
            errors.Add($"each quantity is 1 to {MaxQuantity}.");
        }

        if (body.Items.Where(i => i is not null).GroupBy(i => i.ProductId).Any(g => g.Count() > 1))
        {
            errors.Add("each product appears once.");
        }

        if (string.IsNullOrWhiteSpace(body.CardToken) || body.CardToken.Length > 100)
        {
            errors.Add("cardToken is required (at most 100 characters).");
        }

        if (body.ShippingPostcode.Length is < 3 or > 10 || !body.ShippingPostcode.All(char.IsAsciiLetterOrDigit))
        {
            errors.Add("shippingPostcode is 3 to 10 letters or digits.");
        }

        if (errors.Count > 0)
        {
            return ProblemResults.Unprocessable(string.Join(" ", errors));
        }

        var lines = new List<OrderLine>(body.Items.Count);
        string? currency = null;
        foreach (var item in body.Items)
        {
            var product = await catalog.FindProductAsync(item.ProductId, cancellationToken);
            if (product is null)
            {
                return ProblemResults.Unprocessable($"There is no product {item.ProductId}.");
            }

            currency ??= product.Currency;
            if (currency != product.Currency)
            {
                return ProblemResults.Unprocessable("All items of an order must be priced in one currency.");
            }

            lines.Add(new OrderLine(product.Id, item.Quantity, product.PriceCents));
        }

        var placed = new OrderPlaced(ids.NewId(customerId, time.GetUtcNow()), customerId, lines, lines.Sum(l => l.UnitPriceCents * l.Quantity), currency!, time.GetUtcNow());
        try
        {
            await orders.PlaceAsync(placed, body.ShippingPostcode, cancellationToken);
        }
        catch (ShardBucketFencedException e)
        {
            return ShardMoveProblems.Moving(e, "Orders moving", OrdersMovingType);
        }

        // Past the commit nothing may fail the request: a 5xx releases the idempotency key and the client's retry would
        // place a second order. The event log append is best effort here; the saga's first step repeats it idempotently.
        try
        {
            await log.PlacedAsync(placed, CancellationToken.None);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            // record-order appends it.
        }

        await runner.BeginAsync(new OrderSagaData
        {
            OrderId = placed.OrderId,
            CustomerId = placed.CustomerId,
            Lines = lines,
            TotalCents = placed.TotalCents,
            Currency = placed.Currency,
            CardToken = body.CardToken,
            ShippingPostcode = body.ShippingPostcode,
            PlacedAt = placed.PlacedAt,
        }, CancellationToken.None);

        return TypedResults.Accepted($"/api/orders/{placed.OrderId}", new OrderView(placed.OrderId, placed.CustomerId, "Pending", null, lines, placed.TotalCents, placed.Currency, placed.PlacedAt, nameof(OrderPayment.None)));
    }

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> GetAsync(string id, ShopCaller caller, OrderRepository orders, SagaOrchestrator<OrderSagaData> sagas, IPaymentsApi payments, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var orderId))
        {
            return ProblemResults.BadRequest($"An order id is a UUID; got '{id}'.");
        }

        var order = await orders.FindAsync(orderId, cancellationToken);
        // Another customer's order is as absent as one that does not exist.
        if (order is null || !caller.MaySee(order.CustomerId))
        {
            return ProblemResults.NotFound($"There is no order {orderId}.");
        }

        var status = order.Status;
        var reason = order.Reason;
        var saga = await sagas.GetAsync(orderId, cancellationToken);
        if (saga is { Status: SagaStatus.Parked })
        {
            // A compensation kept failing: someone must look. Never shown as a quiet Pending.
            status = "Parked";
            reason = saga.Error;
        }

        // "Reconciling" on a rejected order: the money is not settled yet. The saga is finished by then, so the
        // payments reconciler's table has the newer word.
        OrderPayment? payment = null;
        if (saga is not null)
        {
            var data = sagas.ReadData(saga);
            payment = data.Payment;
            if (payment == OrderPayment.Reconciling)
            {
                payment = (await payments.FindReversalAsync(data.PaymentId, cancellationToken))?.Outcome switch
                {
                    ReversalOutcome.Refunded => OrderPayment.Refunded,
                    ReversalOutcome.NothingCharged => OrderPayment.NothingCharged,
                    _ => OrderPayment.Reconciling,
                };
            }
        }

        return TypedResults.Ok(new OrderView(order.Id, order.CustomerId, status, reason, order.Lines, order.TotalCents, order.Currency, order.PlacedAt, payment?.ToString()));
    }

    private static async Task<Results<Ok<IReadOnlyList<OrderHistoryEntry>>, ProblemHttpResult>> HistoryAsync(
        string id, int? page, int? pageSize, ShopCaller caller, IEventStore events, [FromKeyedServices(typeof(OrderHistoryProjection))] ProjectionRunner runner, OrderHistoryProjection history, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var customerId))
        {
            return ProblemResults.BadRequest($"A customer id is a UUID; got '{id}'.");
        }

        var (window, problem) = Page.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        if (!caller.MaySee(customerId))
        {
            return ProblemResults.NotFound($"There is no customer {customerId}.");
        }

        // Read-your-own-writes: every write that committed before this request is in the log up to the head; wait until
        // the projection has applied it. The request token carries the deadline, so a stuck projection answers 504.
        var head = await events.GetHeadPositionAsync(cancellationToken);
        await runner.WaitForPositionAsync(head, cancellationToken);
        return TypedResults.Ok(await history.ForCustomerAsync(customerId, window, cancellationToken));
    }

    internal sealed record PlaceOrder(List<PlaceOrderItem>? Items, string? CardToken, string? ShippingPostcode);

    internal sealed record PlaceOrderItem(int ProductId, int Quantity);

    internal sealed record OrderView(Guid Id, Guid CustomerId, string Status, string? Reason, IReadOnlyList<OrderLine> Lines, long TotalCents, string Currency, DateTimeOffset PlacedAt, string? Payment);
}
