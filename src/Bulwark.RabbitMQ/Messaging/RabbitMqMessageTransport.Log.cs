using Microsoft.Extensions.Logging;

namespace Bulwark.RabbitMQ.Messaging;

public sealed partial class RabbitMqMessageTransport
{
    [LoggerMessage(EventId = 2401, Level = LogLevel.Information, Message = "Connected to RabbitMQ at {Host}:{Port}")]
    private static partial void LogConnected(ILogger logger, string host, int port);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Warning, Message = "Could not settle message {MessageId} on {Queue}; the broker will redeliver it")]
    internal static partial void LogSettleFailed(ILogger logger, string messageId, string queue, Exception exception);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Error, Message = "Delivery on {Queue} failed outside the handler pipeline")]
    internal static partial void LogDeliveryFailed(ILogger logger, string queue, Exception exception);
}
