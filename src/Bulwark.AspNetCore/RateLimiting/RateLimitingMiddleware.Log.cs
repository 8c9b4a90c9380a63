using Microsoft.Extensions.Logging;

namespace Bulwark.AspNetCore.RateLimiting;

public sealed partial class RateLimitingMiddleware
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Rate limited {Partition} in tier {Tier}")]
    private static partial void LogLimited(ILogger logger, string tier, string partition);
}
