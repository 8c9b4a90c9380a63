using Microsoft.Extensions.Hosting;

namespace Bulwark.Edge.Cells;

/// <summary>
/// Active health: probes every cell's readiness on <see cref="CellHealthOptions.ProbeInterval"/> (the injected
/// <see cref="TimeProvider"/>), so a cell that hangs rather than refuses is taken out within a few intervals and a
/// cell that comes back is let in again.
/// </summary>
internal sealed class CellProbeService(CellRouter router, IHttpClientFactory clients, TimeProvider time) : BackgroundService
{
    public const string ClientName = "Bulwark.Edge.CellProbe";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var options = router.Options;
            if (router.Enabled)
            {
                await ProbeAllAsync(options, stoppingToken).ConfigureAwait(false);
            }

            try
            {
                await Task.Delay(options.Health.ProbeInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Probes every cell once, in parallel.</summary>
    internal Task ProbeAllAsync(CellsOptions options, CancellationToken cancellationToken) =>
        Task.WhenAll(options.Cells.Select(cell => ProbeAsync(cell.Key, cell.Value.Url, options.Health, cancellationToken)));

    private async Task ProbeAsync(string cell, string url, CellHealthOptions health, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(health.ProbeTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await clients.CreateClient(ClientName).GetAsync(new Uri(new Uri(url), health.ProbePath), linked.Token).ConfigureAwait(false);
            router.RecordProbe(cell, response.IsSuccessStatusCode, $"GET {health.ProbePath} answered {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            router.RecordProbe(cell, false, $"GET {health.ProbePath}: {(e is OperationCanceledException ? $"no answer within {health.ProbeTimeout.TotalMilliseconds:0} ms" : e.Message)}");
        }
    }
}
