namespace Bulwark.Messaging.Serialization;

/// <summary>Registers message types on the messaging builder.</summary>
public static class MessageTypeBuilderExtensions
{
    /// <summary>Registers <typeparamref name="TMessage"/> under a stable wire name.</summary>
    /// <typeparam name="TMessage">The message type.</typeparam>
    /// <param name="builder">The messaging builder.</param>
    /// <param name="name">The wire name, e.g. <c>shop.order-placed.v1</c>.</param>
    /// <param name="topic">The default topic; the name when unset.</param>
    /// <param name="aliases">Older wire names still accepted when reading.</param>
    /// <returns>The builder.</returns>
    public static IMessagingBuilder AddMessageType<TMessage>(this IMessagingBuilder builder, string name, string? topic = null, params string[] aliases)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Types.Register(typeof(TMessage), name, topic, aliases);
        return builder;
    }
}
