using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Messaging.DeadLetters;

/// <summary>Keeps the dead-letter depth gauge fresh, so an alert fires even when nothing is dead-lettered in this process.</summary>
internal sealed partial class DeadLetterDepthMonitor(
    IDeadLetterAdmin admin,
    IOptions<MessagingOptions> options,
    TimeProvider timeProvider,
    ILogger<DeadLetterDepthMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await admin.CountAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The gauge keeps its last value; the next tick tries again.
                LogRefreshFailed(logger, e);
            }

            try
            {
                await Task.Delay(options.Value.DeadLetterDepthRefreshInterval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Could not read the dead-letter depth")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
