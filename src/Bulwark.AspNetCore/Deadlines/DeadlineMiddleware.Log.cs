using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bulwark.AspNetCore.Deadlines;

public sealed partial class DeadlineMiddleware
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Rejected {Path}: malformed X-Deadline")]
    private static partial void LogMalformed(ILogger logger, PathString path);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Shed {Path}: its deadline {Deadline} had already passed on arrival")]
    private static partial void LogShed(ILogger logger, PathString path, DateTimeOffset deadline);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Deadline of {Path} passed during processing; answered 504")]
    private static partial void LogExpired(ILogger logger, PathString path);
}
