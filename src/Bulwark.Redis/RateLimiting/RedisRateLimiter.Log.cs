using Microsoft.Extensions.Logging;

namespace Bulwark.Redis.RateLimiting;

public sealed partial class RedisRateLimiter
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Redis rate limiter unavailable; {Mode} applies")]
    private static partial void LogRedisFailed(ILogger logger, RedisUnavailableMode mode, Exception exception);
}
