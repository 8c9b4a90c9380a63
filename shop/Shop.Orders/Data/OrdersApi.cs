using Shop.Orders.Contracts;

namespace Shop.Orders.Data;

/// <summary>The Orders module's answer to other modules: a read of its own table, nothing more.</summary>
internal sealed class OrdersApi(OrderRepository orders) : IOrdersApi
{
    public async Task<OrderSummary?> FindAsync(Guid orderId, CancellationToken cancellationToken) =>
        await orders.FindAsync(orderId, cancellationToken) is { } order
            ? new OrderSummary(order.Id, order.CustomerId, order.Status, order.PlacedAt)
            : null;
}
