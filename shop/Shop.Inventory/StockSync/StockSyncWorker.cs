using System.Data.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Shop.Inventory.StockSync;

/// <summary>Pulls counts every <see cref="StockSyncOptions.Interval"/> when <see cref="StockSyncOptions.Enabled"/>.</summary>
internal sealed class StockSyncWorker(StockSyncService sync, IOptions<StockSyncOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.Interval, time);
        try
        {
            do
            {
                try
                {
                    await sync.SyncAsync(stoppingToken);
                }
                catch (Exception e) when (e is StockSourceUnavailableException or DbException or InvalidOperationException)
                {
                    // Logged and counted by the service; nothing was applied, and the next tick reads the source again.
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping between rounds.
        }
    }
}
