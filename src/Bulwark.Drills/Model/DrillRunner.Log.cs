using Microsoft.Extensions.Logging;

namespace Bulwark.Drills.Model;

public sealed partial class DrillRunner
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Drill {Drill} starting against {Target}")]
    private static partial void LogDrillStarting(ILogger logger, string drill, Uri target);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Drill {Drill} finished: {Outcome}. {Reason}")]
    private static partial void LogDrillFinished(ILogger logger, string drill, DrillOutcome outcome, string reason);

    [LoggerMessage(EventId = 302, Level = LogLevel.Error, Message = "Drill {Drill} could not restore its faults")]
    private static partial void LogRestoreFailed(ILogger logger, string drill, Exception exception);
}
