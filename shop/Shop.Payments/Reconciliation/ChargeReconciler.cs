using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Shop.Payments.Reconciliation;

/// <summary>
/// The durable background half of reversal: every <see cref="ReconciliationOptions.PollInterval"/> (on the injected
/// <see cref="TimeProvider"/>) it retries the payments that are due, with exponential backoff per payment. The work
/// list lives in the database, so a restart picks up where the last process stopped.
/// </summary>
internal sealed partial class ChargeReconciler(
    ChargeReconciliation reconciliation,
    TimeProvider time,
    IOptions<ReconciliationOptions> options,
    ILogger<ChargeReconciler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        try
        {
            do
            {
                try
                {
                    await reconciliation.RunDueAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A database hiccup must not end the loop: the rows are still there next round.
                    LogRoundFailed(logger, e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; unsettled payments stay in the table for the next start.
        }
    }

    [LoggerMessage(EventId = 4300, Level = LogLevel.Error, Message = "A reconciliation round failed; the next round retries")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
