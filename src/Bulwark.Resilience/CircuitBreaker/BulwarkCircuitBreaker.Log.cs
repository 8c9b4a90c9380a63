using Microsoft.Extensions.Logging;

using Polly.CircuitBreaker;

namespace Bulwark.Resilience.CircuitBreaker;

public sealed partial class BulwarkCircuitBreaker
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Circuit breaker {Breaker} moved from {From} to {To}; calls are refused for {BreakDuration}")]
    private static partial void LogOpened(ILogger logger, string breaker, CircuitState from, CircuitState to, TimeSpan breakDuration);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Circuit breaker {Breaker} moved from {From} to {To}")]
    private static partial void LogStateChanged(ILogger logger, string breaker, CircuitState from, CircuitState to);
}
