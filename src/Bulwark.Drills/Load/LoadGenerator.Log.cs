using Microsoft.Extensions.Logging;

namespace Bulwark.Drills.Load;

public sealed partial class LoadGenerator
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Load run starting: {Mode} against {Target}, at most {MaxRequests} requests or {MaxDuration}")]
    private static partial void LogRunStarting(ILogger logger, LoadMode mode, Uri target, int maxRequests, TimeSpan maxDuration);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Load run finished: {Sent} sent, error rate {ErrorRate:P1}, p99 {P99Ms:F1} ms in {Elapsed}")]
    private static partial void LogRunFinished(ILogger logger, int sent, double errorRate, double p99Ms, TimeSpan elapsed);
}
