using Bulwark.Messaging;
using Bulwark.Messaging.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<RabbitMqTransportOptions>().Configure(configure ?? (_ => { })).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.Replace(ServiceDescriptor.Singleton<IMessageTransport>(sp => new RabbitMqMessageTransport(
            sp.GetRequiredService<IOptions<RabbitMqTransportOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RabbitMqMessageTransport>>())));
        return builder;
    }
}
