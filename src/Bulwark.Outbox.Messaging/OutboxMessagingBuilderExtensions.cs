namespace Bulwark.Outbox.Messaging;

/// <summary>Connects the outbox to the message bus.</summary>
public static class OutboxMessagingBuilderExtensions
{
    /// <summary>
    /// Relays the outbox through the message bus (<see cref="BusOutboxTransport"/>) instead of the in-process
    /// transport. Needs <c>AddBulwarkMessaging()</c> with a transport.
    /// </summary>
    /// <param name="builder">The outbox builder.</param>
    /// <returns>The builder.</returns>
    public static IOutboxBuilder WithMessageBus(this IOutboxBuilder builder) => builder.WithTransport<BusOutboxTransport>();
}
