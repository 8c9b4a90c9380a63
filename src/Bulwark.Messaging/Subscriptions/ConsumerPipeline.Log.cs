using Microsoft.Extensions.Logging;

namespace Bulwark.Messaging.Subscriptions;

internal sealed partial class ConsumerPipeline
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Message {MessageId} ({MessageType}) failed on {Queue}, attempt {Attempt} of {MaxAttempts}; retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, Exception exception, string messageId, string messageType, string queue, int attempt, int maxAttempts, TimeSpan delay);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Message {MessageId} ({MessageType}) dead-lettered from {Queue} after {Attempt} attempts (permanent: {Permanent})")]
    private static partial void LogDeadLettered(ILogger logger, Exception exception, string messageId, string messageType, string queue, int attempt, bool permanent);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Debug, Message = "Message {MessageId} ({MessageType}) has no handler on {Queue}; acknowledged")]
    private static partial void LogIgnored(ILogger logger, string messageId, string messageType, string queue);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Could not refresh the dead-letter depth")]
    private static partial void LogDepthRefreshFailed(ILogger logger, Exception exception);
}
