using Microsoft.Extensions.Logging;

namespace Bulwark.Resilience.Bulkhead;

public sealed partial class BulkheadCompartment
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Bulkhead {Compartment} is full ({MaxConcurrency} running, queue {QueueLimit}): shedding started, calls are refused")]
    private static partial void LogSheddingStarted(ILogger logger, string compartment, int maxConcurrency, int queueLimit);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Bulkhead {Compartment} has room again: shedding stopped after {Refused} refused calls")]
    private static partial void LogSheddingStopped(ILogger logger, string compartment, long refused);
}
