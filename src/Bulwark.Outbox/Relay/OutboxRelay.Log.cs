using Microsoft.Extensions.Logging;

namespace Bulwark.Outbox;

public sealed partial class OutboxRelay
{
    [LoggerMessage(EventId = 1600, Level = LogLevel.Information, Message = "Outbox relay of store {Store} started (batch {BatchSize}, poll {PollInterval})")]
    private static partial void LogStarted(ILogger logger, string store, int batchSize, TimeSpan pollInterval);

    [LoggerMessage(EventId = 1601, Level = LogLevel.Information, Message = "Outbox relay of store {Store} stopped")]
    private static partial void LogStopped(ILogger logger, string store);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Warning, Message = "Outbox message {MessageId} to {Topic} (key {PartitionKey}) was not accepted; it and later messages of its key are retried")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, Guid messageId, string topic, string partitionKey);

    [LoggerMessage(EventId = 1603, Level = LogLevel.Error, Message = "Outbox store {Store} failed; the batch is retried after the backoff")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string store);

    [LoggerMessage(EventId = 1604, Level = LogLevel.Debug, Message = "Outbox cleanup deleted {Count} published messages")]
    private static partial void LogPurged(ILogger logger, int count);
}
