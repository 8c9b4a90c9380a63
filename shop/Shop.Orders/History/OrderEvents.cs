namespace Shop.Orders.History;

/// <summary>Lifecycle events in the shop's event log (stream <c>order-{id}</c>), the source of the order history read model.</summary>
internal static class OrderEvents
{
    public static string StreamId(Guid orderId) => $"order-{orderId:N}";
}

internal sealed record OrderConfirmed(Guid OrderId, Guid CustomerId, DateTimeOffset ConfirmedAt);

internal sealed record OrderRejected(Guid OrderId, Guid CustomerId, string Reason, DateTimeOffset RejectedAt);
