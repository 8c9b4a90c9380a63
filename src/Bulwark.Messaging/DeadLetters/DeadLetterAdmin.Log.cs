using Microsoft.Extensions.Logging;

namespace Bulwark.Messaging.DeadLetters;

internal sealed partial class DeadLetterAdmin
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Redrove {Count} dead letters (queue {SourceQueue}, type {MessageType})")]
    private static partial void LogRedriven(ILogger logger, int count, string? sourceQueue, string? messageType);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Purged {Count} dead letters (queue {SourceQueue}, type {MessageType})")]
    private static partial void LogPurged(ILogger logger, int count, string? sourceQueue, string? messageType);
}
