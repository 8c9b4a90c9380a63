using Microsoft.Extensions.Logging;

namespace Bulwark.Sqlite.Messaging;

public sealed partial class SqliteMessageTransport
{
    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Lease on message {MessageId} in {Queue} expired before it was settled; another delivery will settle it")]
    private static partial void LogLeaseLost(ILogger logger, string messageId, string queue);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Error, Message = "Consumer on {Queue} hit a storage error; retrying")]
    private static partial void LogConsumerError(ILogger logger, string queue, Exception exception);
}
