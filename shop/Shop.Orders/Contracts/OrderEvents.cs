namespace Shop.Orders.Contracts;

/// <summary>One line of an order.</summary>
public sealed record OrderLine(int ProductId, int Quantity, long UnitPriceCents);

/// <summary>Integration event: an order was accepted and its fulfilment started. Subscribers must be idempotent.</summary>
public sealed record OrderPlaced(Guid OrderId, Guid CustomerId, IReadOnlyList<OrderLine> Lines, long TotalCents, string Currency, DateTimeOffset PlacedAt)
{
    /// <summary>The topic the event is published on.</summary>
    public const string Topic = "orders.order-placed";
}
