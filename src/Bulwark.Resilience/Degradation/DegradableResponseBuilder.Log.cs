using Microsoft.Extensions.Logging;

namespace Bulwark.Resilience.Degradation;

public sealed partial class DegradableResponseBuilder
{
    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "{Composition}: optional part {Part} {Reason}; responding without it")]
    private static partial void LogDegraded(ILogger logger, string composition, string part, string reason, Exception? exception);

    // Timeouts and refusals come with every page under load and are counted by bulwark.degradation.degraded_parts,
    // so one line per page is only worth it when debugging.
    [LoggerMessage(EventId = 1404, Level = LogLevel.Debug, Message = "{Composition}: optional part {Part} {Reason}; responding without it")]
    private static partial void LogDegradedExpected(ILogger logger, string composition, string part, string reason);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Error, Message = "{Composition}: critical part {Part} failed; the response fails")]
    private static partial void LogCriticalFailed(ILogger logger, string composition, string part, Exception exception);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "{Composition}: fallback of optional part {Part} failed too")]
    private static partial void LogFallbackFailed(ILogger logger, string composition, string part, Exception exception);
}
