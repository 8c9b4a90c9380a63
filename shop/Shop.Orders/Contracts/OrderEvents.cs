namespace Shop.Orders.Contracts;

/// <summary>One line of an order.</summary>
public sealed record OrderLine(int ProductId, int Quantity, long UnitPriceCents);

/// <summary>
/// Integration event: an order was accepted and its fulfilment started. Subscribers must be idempotent, and must not
/// assume it arrives before the order's outcome: the bus keeps no order between topics (see <see cref="Sequence"/>).
/// </summary>
public sealed record OrderPlaced(Guid OrderId, Guid CustomerId, IReadOnlyList<OrderLine> Lines, long TotalCents, string Currency, DateTimeOffset PlacedAt)
{
    /// <summary>The topic the event is published on.</summary>
    public const string Topic = "orders.order-placed";

    /// <summary>
    /// The event's position in its order's lifecycle (placed 1, the outcome 2): a subscriber that keeps the order's
    /// state applies an event only if it is newer than the last one applied, so a late placed event never reopens
    /// a confirmed or rejected order.
    /// </summary>
    /// <value>Always 1; a message without the field is read as 1.</value>
    public long Sequence { get; init; } = OrderSequence.Placed;
}

/// <summary>The positions of an order's integration events in its lifecycle, carried as their <c>Sequence</c>.</summary>
public static class OrderSequence
{
    /// <summary><see cref="OrderPlaced"/>.</summary>
    public const long Placed = 1;

    /// <summary>The outcome: <see cref="OrderConfirmed"/> or <see cref="OrderRejected"/> (one or the other, never both).</summary>
    public const long Outcome = 2;
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

    /// <summary>The event's position in its order's lifecycle (see <see cref="OrderPlaced.Sequence"/>).</summary>
    /// <value>Always 2; a message without the field is read as 2.</value>
    public long Sequence { get; init; } = OrderSequence.Outcome;
}

/// <summary>Integration event: the order was rejected and everything it held was released or refunded. Published once.</summary>
public sealed record OrderRejected(Guid OrderId, Guid CustomerId, string Reason, DateTimeOffset RejectedAt)
{
    /// <summary>The topic the event is published on.</summary>
    public const string Topic = "orders.order-rejected";

    /// <summary>The event's position in its order's lifecycle (see <see cref="OrderPlaced.Sequence"/>).</summary>
    /// <value>Always 2; a message without the field is read as 2.</value>
    public long Sequence { get; init; } = OrderSequence.Outcome;
}
