using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.DataProducts;

/// <summary>
/// Rebuilds every data product on <see cref="DataProductOptions.BuildInterval"/> (first at start when
/// <see cref="DataProductOptions.BuildOnStart"/>), waiting on the injected <see cref="TimeProvider"/>. A failed build
/// is logged and retried at the next tick; the previous version stays published and its age keeps growing, which is
/// what the freshness alert watches.
/// </summary>
internal sealed partial class DataProductScheduler(DataProductBuilder builder, IOptions<DataProductOptions> options, TimeProvider time, ILogger<DataProductScheduler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (!options.Value.BuildOnStart)
            {
                await Task.Delay(options.Value.BuildInterval, time, stoppingToken).ConfigureAwait(false);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                foreach (var id in builder.Products.Keys)
                {
                    await BuildOneAsync(id, stoppingToken).ConfigureAwait(false);
                }

                await Task.Delay(options.Value.BuildInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: not a failure, nothing to log.
        }
    }

    private async Task BuildOneAsync(string id, CancellationToken stoppingToken)
    {
        try
        {
            await builder.BuildAsync(id, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DataContractViolationException or InvalidOperationException or System.Data.Common.DbException or OperationCanceledException)
        {
            // The decision: keep the last good version and try again next tick; the age metric shows the gap. A timeout
            // inside a build (a canceled command, not the host stopping) is one of these too: left to escape, it would
            // fault this service and, by the host's default, stop the whole shop.
            DataProductLog.BuildFailed(logger, ex, id, options.Value.BuildInterval);
        }
    }
}
