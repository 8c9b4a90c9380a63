using Bulwark.Data;
using Shop.Infrastructure.Data;

namespace Shop.Orders.Data;

/// <summary>The shop's own shipping bookings. Booking and cancelling are idempotent by order id.</summary>
internal sealed class ShippingDesk(ModuleDatabase<OrdersModule> orders)
{
    /// <summary>The postcode the carrier never delivers to: the step fails and the saga compensates.</summary>
    public const string UndeliverablePostcode = "00000";

    public async Task BookAsync(Guid orderId, string postcode, CancellationToken cancellationToken)
    {
        if (postcode == UndeliverablePostcode)
        {
            throw new OrderStepFailedException($"the carrier does not deliver to postcode {postcode}");
        }

        await orders.ExecuteAsync(
            "INSERT INTO orders_shipments (order_id, postcode, status) VALUES (@id, @postcode, 'booked') ON CONFLICT (order_id) DO NOTHING;",
            cancellationToken, ("id", orderId.ToString()), ("postcode", postcode));
    }

    public Task CancelAsync(Guid orderId, CancellationToken cancellationToken) =>
        orders.ExecuteAsync("UPDATE orders_shipments SET status = 'cancelled' WHERE order_id = @id;", cancellationToken, ("id", orderId.ToString()));

    public async Task<string?> StatusAsync(Guid orderId, CancellationToken cancellationToken)
    {
        await using var connection = await orders.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT status FROM orders_shipments WHERE order_id = @id;";
        query.With("id", orderId.ToString());
        return await query.ExecuteScalarAsync(cancellationToken) as string;
    }
}

/// <summary>A business refusal inside a saga step (declined card, no stock, undeliverable): the saga compensates.</summary>
internal sealed class OrderStepFailedException(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}
