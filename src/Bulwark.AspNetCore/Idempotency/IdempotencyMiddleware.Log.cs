using Microsoft.Extensions.Logging;

namespace Bulwark.AspNetCore.Idempotency;

public sealed partial class IdempotencyMiddleware
{
    [LoggerMessage(EventId = 1500, Level = LogLevel.Information, Message = "Idempotency key {Key} reused with a different request")]
    private static partial void LogKeyReused(ILogger logger, string key);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Warning, Message = "Idempotency key {Key} still in flight after waiting {Wait}")]
    private static partial void LogStillInFlight(ILogger logger, string key, TimeSpan wait);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Warning, Message = "A request outlived its idempotency claim ({InFlightTimeout}); its response was not stored")]
    private static partial void LogClaimLost(ILogger logger, TimeSpan inFlightTimeout);

    [LoggerMessage(EventId = 1505, Level = LogLevel.Error, Message = "The response to idempotency key {Key} was not recorded within {Bound} ({Reason}); the client got it, but a retry with this key after {InFlightTimeout} runs the handler again")]
    private static partial void LogUnrecorded(ILogger logger, string key, TimeSpan bound, string reason, TimeSpan inFlightTimeout);

    [LoggerMessage(EventId = 1506, Level = LogLevel.Warning, Message = "Idempotency key {Key} was not given up within {Bound} ({Reason}); retries with it get 409 until it expires ({InFlightTimeout})")]
    private static partial void LogNotReleased(ILogger logger, string key, TimeSpan bound, string reason, TimeSpan inFlightTimeout);
}
