namespace Shop.Orders.History;

/// <summary>Lifecycle events in the shop's event log (stream <c>order-{id}</c>), the source of the order history read model.</summary>
internal static class OrderEvents
{
    public static string StreamId(Guid orderId) => $"order-{orderId:N}";
}

// The event-log entries keep their stored type names ("orders.OrderConfirmed", ...); the public integration events of
// the same outcomes are Shop.Orders.Contracts.OrderConfirmed and OrderRejected.
internal sealed record OrderConfirmedEntry(Guid OrderId, Guid CustomerId, DateTimeOffset ConfirmedAt);

internal sealed record OrderRejectedEntry(Guid OrderId, Guid CustomerId, string Reason, DateTimeOffset RejectedAt);
