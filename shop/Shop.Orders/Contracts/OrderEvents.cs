namespace Shop.Orders.Contracts;

/// <summary>One line of an order.</summary>
public sealed record OrderLine(int ProductId, int Quantity, long UnitPriceCents);

/// <summary>Integration event: an order was accepted and its fulfilment started. Subscribers must be idempotent.</summary>
public sealed record OrderPlaced(Guid OrderId, Guid CustomerId, IReadOnlyList<OrderLine> Lines, long TotalCents, string Currency, DateTimeOffset PlacedAt)
{
    /// <summary>The topic the event is published on.</summary>
    public const string Topic = "orders.order-placed";
}

/// <summary>
/// Integration event: every step of an order succeeded; the money is taken and the parcel booked. Published once, in
/// the transaction that ends the order. Effects of a sale (confirmation mail, reward points) follow this, never
/// <see cref="OrderPlaced"/>.
/// </summary>
public sealed record OrderConfirmed(Guid OrderId, Guid CustomerId, long TotalCents, string Currency, DateTimeOffset ConfirmedAt)
{
    /// <summary>The topic the event is published on.</summary>
    public const string Topic = "orders.order-confirmed";
}

/// <summary>Integration event: the order was rejected and everything it held was released or refunded. Published once.</summary>
public sealed record OrderRejected(Guid OrderId, Guid CustomerId, string Reason, DateTimeOffset RejectedAt)
{
    /// <summary>The topic the event is published on.</summary>
    public const string Topic = "orders.order-rejected";
}
