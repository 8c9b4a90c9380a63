using Bulwark.Idempotency;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Idempotency;

/// <summary>Deletes expired idempotency keys every <see cref="IdempotencyOptions.CleanupInterval"/>.</summary>
internal sealed partial class IdempotencyCleanupService(
    IIdempotencyStore store,
    IOptionsMonitor<IdempotencyOptions> options,
    TimeProvider timeProvider,
    ILogger<IdempotencyCleanupService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.CurrentValue.CleanupInterval, timeProvider, stoppingToken).ConfigureAwait(false);
                var purged = await store.PurgeExpiredAsync(stoppingToken).ConfigureAwait(false);
                LogPurged(logger, purged);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Expired keys only cost space; the next round tries again.
                LogCleanupFailed(logger, e);
            }
        }
    }

    [LoggerMessage(EventId = 1503, Level = LogLevel.Debug, Message = "Idempotency cleanup deleted {Count} expired keys")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Warning, Message = "Idempotency cleanup failed")]
    private static partial void LogCleanupFailed(ILogger logger, Exception exception);
}
