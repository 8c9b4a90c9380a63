namespace Shop.Orders.Contracts;

/// <summary>What other modules may ask the Orders module directly (the rest travels as events).</summary>
public interface IOrdersApi
{
    /// <summary>Looks an order up by id, for modules that act on an order (returns).</summary>
    /// <param name="orderId">The order.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The order's summary, or <see langword="null"/> when there is no such order.</returns>
    Task<OrderSummary?> FindAsync(Guid orderId, CancellationToken cancellationToken);
}

/// <summary>An order as other modules see it: whose it is and how far it got, never its card or address.</summary>
/// <param name="OrderId">The order.</param>
/// <param name="CustomerId">The customer who placed it (the owner check of a caller acting on it).</param>
/// <param name="Status"><c>Pending</c>, <c>Confirmed</c> or <c>Rejected</c>.</param>
/// <param name="PlacedAt">When it was placed.</param>
public sealed record OrderSummary(Guid OrderId, Guid CustomerId, string Status, DateTimeOffset PlacedAt);
