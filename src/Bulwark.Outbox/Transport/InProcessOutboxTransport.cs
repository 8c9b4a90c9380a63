namespace Bulwark.Outbox;

/// <summary>
/// Publishes to the <see cref="IOutboxSubscriber"/>s of this process, one after another. The embedded default
/// until a message bus is configured; a subscriber failure fails the publish, so the relay retries it.
/// </summary>
public sealed class InProcessOutboxTransport : IOutboxTransport
{
    private readonly IOutboxSubscriber[] _subscribers;

    /// <summary>Creates the transport.</summary>
    /// <param name="subscribers">Every subscriber gets every message.</param>
    public InProcessOutboxTransport(IEnumerable<IOutboxSubscriber> subscribers)
    {
        ArgumentNullException.ThrowIfNull(subscribers);
        _subscribers = [.. subscribers];
    }

    /// <inheritdoc />
    public async Task PublishAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var subscriber in _subscribers)
        {
            await subscriber.HandleAsync(message, cancellationToken).ConfigureAwait(false);
        }
    }
}
