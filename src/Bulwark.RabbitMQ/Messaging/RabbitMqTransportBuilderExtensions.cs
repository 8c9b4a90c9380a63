using Bulwark.Messaging;
using Bulwark.Messaging.Transport;

namespace Bulwark.RabbitMQ.Messaging;

/// <summary>Selects the RabbitMQ transport.</summary>
public static class RabbitMqTransportBuilderExtensions
{
    /// <summary>Uses RabbitMQ (topic exchange, quorum queues, publisher confirms). The last <c>Use*</c> transport wins.</summary>
    /// <param name="builder">The messaging builder.</param>
    /// <param name="configure">Adjusts the options (connection URI, exchange, DLQ name, ...).</param>
    /// <returns>The builder.</returns>
    public static IMessagingBuilder UseRabbitMq(this IMessagingBuilder builder, Action<RabbitMqTransportOptions>? configure = null)
    {
        return builder.UseTransport<RabbitMqTransportOptions, RabbitMqMessageTransport>(
            configure,
            static (options, timeProvider, logger) => new RabbitMqMessageTransport(options, timeProvider, logger));
    }
}
