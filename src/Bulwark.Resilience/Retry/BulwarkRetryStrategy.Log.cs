using Microsoft.Extensions.Logging;

namespace Bulwark.Resilience.Retry;

internal sealed partial class BulwarkRetryStrategy
{
    [LoggerMessage(EventId = 1201, Level = LogLevel.Debug, Message = "Retry {Retry} of {Pipeline} in {Delay}")]
    private static partial void LogRetrying(ILogger logger, string pipeline, int retry, TimeSpan delay);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Not retrying {Pipeline}: retry budget {Budget} is spent")]
    private static partial void LogBudgetExhausted(ILogger logger, string pipeline, string budget);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Not retrying {Pipeline}: {Remaining} left of the deadline, a retry needs {Delay} plus an attempt of {Attempt}")]
    private static partial void LogNoTimeLeft(ILogger logger, string pipeline, TimeSpan remaining, TimeSpan delay, TimeSpan attempt);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Not retrying {Pipeline}: the server asked to wait {RetryAfter}, beyond the cap")]
    private static partial void LogRetryAfterTooLong(ILogger logger, string pipeline, TimeSpan retryAfter);
}
