using System.ComponentModel.DataAnnotations;

namespace Bulwark.Messaging.Contracts;

/// <summary>A message the contract suite sends; <see cref="Number"/> identifies it, a negative number marks a poison pill.</summary>
public sealed record Ping(int Number, string? Text = null);

/// <summary>The event of the pub/sub scenario.</summary>
public sealed record OrderPlaced([property: Required] string OrderId, decimal Total);

/// <summary>A publisher that must not change when subscribers are added.</summary>
public sealed class CheckoutService(IMessageBus bus)
{
    /// <summary>Places an order and announces it.</summary>
    public Task PlaceAsync(string orderId, CancellationToken cancellationToken) =>
        bus.PublishAsync(new OrderPlaced(orderId, 42m), cancellationToken: cancellationToken);
}
