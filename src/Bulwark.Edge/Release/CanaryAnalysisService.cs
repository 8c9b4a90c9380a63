using Microsoft.Extensions.Hosting;

namespace Bulwark.Edge.Release;

/// <summary>Runs the canary analysis every <see cref="CanaryOptions.Interval"/> on the injected clock.</summary>
internal sealed class CanaryAnalysisService(ReleaseController release, TimeProvider timeProvider) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(release.Options.Canary.Interval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await release.AnalyseAsync(stoppingToken).ConfigureAwait(false);
        }
    }
}
