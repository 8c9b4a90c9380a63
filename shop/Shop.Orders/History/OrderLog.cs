using Bulwark.EventSourcing;
using Shop.Orders.Contracts;

namespace Shop.Orders.History;

/// <summary>
/// Appends an order's lifecycle events at fixed versions (placed = 1, then confirmed or rejected = 2), so a repeated
/// saga step appends nothing new: the version check turns the duplicate into a conflict we ignore.
/// </summary>
internal sealed class OrderLog(IEventStore events, EventSerializer serializer)
{
    public Task<long> PlacedAsync(OrderPlaced placed, CancellationToken cancellationToken) =>
        AppendAsync(placed.OrderId, ExpectedVersion.NoStream, placed, cancellationToken);

    public Task<long> ConfirmedAsync(OrderConfirmedEntry confirmed, CancellationToken cancellationToken) =>
        AppendAsync(confirmed.OrderId, 1, confirmed, cancellationToken);

    public Task<long> RejectedAsync(OrderRejectedEntry rejected, CancellationToken cancellationToken) =>
        AppendAsync(rejected.OrderId, 1, rejected, cancellationToken);

    private async Task<long> AppendAsync(Guid orderId, long expected, object @event, CancellationToken cancellationToken)
    {
        var data = await serializer.SerializeAsync(@event, cancellationToken);
        try
        {
            return (await events.AppendAsync(OrderEvents.StreamId(orderId), expected, [data], cancellationToken)).LastPosition;
        }
        catch (ConcurrencyConflictException)
        {
            // Already written by an earlier attempt of the same step.
            return 0;
        }
    }
}
