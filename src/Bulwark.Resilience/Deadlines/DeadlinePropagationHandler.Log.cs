using Microsoft.Extensions.Logging;

namespace Bulwark.Resilience.Deadlines;

public sealed partial class DeadlinePropagationHandler
{
    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Not sending {Method} {Operation}: only {Remaining} left of the deadline")]
    private static partial void LogSpent(ILogger logger, HttpMethod method, string operation, TimeSpan remaining);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Deadline passed during {Method} {Operation}; the call was cancelled")]
    private static partial void LogExpiredInFlight(ILogger logger, HttpMethod method, string operation);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Deadline passed during {Method} {Operation}; the callee gave up first and answered 504")]
    private static partial void LogExpiredDownstream(ILogger logger, HttpMethod method, string operation);
}
