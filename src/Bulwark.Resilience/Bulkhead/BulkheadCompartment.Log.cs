using Microsoft.Extensions.Logging;

namespace Bulwark.Resilience.Bulkhead;

public sealed partial class BulkheadCompartment
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "Bulkhead {Compartment} is full ({MaxConcurrency} running, queue {QueueLimit}); call refused")]
    private static partial void LogRejected(ILogger logger, string compartment, int maxConcurrency, int queueLimit);
}
