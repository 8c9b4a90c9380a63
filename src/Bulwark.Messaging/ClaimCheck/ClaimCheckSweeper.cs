using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Messaging.ClaimCheck;

/// <summary>
/// Deletes claim-check blobs older than the TTL. Consumers never delete blobs themselves: with fan-out another
/// subscription (or a later redrive) may still need the payload.
/// </summary>
/// <param name="store">The blob store.</param>
/// <param name="options">The TTL, interval and key prefix.</param>
/// <param name="timeProvider">The clock.</param>
/// <param name="logger">The logger.</param>
public sealed partial class ClaimCheckSweeper(
    IBlobStore store,
    IOptions<ClaimCheckOptions> options,
    TimeProvider timeProvider,
    ILogger<ClaimCheckSweeper> logger) : BackgroundService
{
    /// <summary>Deletes every claim-check blob created more than the TTL ago.</summary>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    /// <returns>How many blobs were deleted.</returns>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var cutoff = timeProvider.GetUtcNow() - options.Value.TimeToLive;
        var deleted = 0;
        await foreach (var blob in store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (blob.Key.StartsWith(options.Value.KeyPrefix, StringComparison.Ordinal) && blob.CreatedAt < cutoff)
            {
                await store.DeleteAsync(blob.Key, cancellationToken).ConfigureAwait(false);
                deleted++;
            }
        }

        if (deleted > 0)
        {
            LogSwept(logger, deleted, cutoff);
        }

        return deleted;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(options.Value.SweepInterval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed sweep only delays cleanup; the next interval retries.
                LogSweepFailed(logger, e);
                await Task.Delay(options.Value.SweepInterval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Claim-check sweeper deleted {Count} blobs created before {Cutoff}")]
    private static partial void LogSwept(ILogger logger, int count, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Claim-check sweep failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
