using System.Globalization;
using System.Net;
using Bulwark.Drills.Load;
using Bulwark.Drills.Metrics;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;
using Bulwark.ShopClient;

namespace Bulwark.Drills.CacheMiss;

/// <summary>
/// Cache Miss: under steady reads of hot products, empties the target's cache through its operator endpoint and sends
/// a herd of callers for every emptied key at once; passes when the database saw at most one load per key (counted by
/// the target's own metric) while reads stayed fast and never failed.
/// </summary>
/// <param name="options">The load and thresholds; the documented defaults when null.</param>
public sealed class CacheMissDrill(CacheMissOptions? options = null)
    : Drill<CacheMissOptions>(new("cache-miss", "Cache Miss", "If Redis goes down and empties the cache, will the database survive the \"Thundering Herd\" of requests trying to repopulate it?", ["18 Cache-Aside"]), options)
{
    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        await context.RequireTargetAnswersAsync(ShopPaths.Product(1), cancellationToken).ConfigureAwait(false);
        context.RequireOperatorKey("to flush the cache");

        // One flush before the run proves the endpoint and the key; a target without one is skipped, not failed.
        var status = await FlushAsync(context, cancellationToken).ConfigureAwait(false);
        if (status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new DrillSkippedException(string.Create(CultureInfo.InvariantCulture, $"DELETE {Options.FlushPath} answered {(int)status}: the target has no cache flush endpoint for this key (outside Development give --set cache-miss.ManagementUrl=<management URL>)."));
        }

        if ((int)status is < 200 or >= 300)
        {
            throw new DrillPreconditionException(string.Create(CultureInfo.InvariantCulture, $"DELETE {Options.FlushPath} answered {(int)status} before any load."));
        }

        // Warm every hot key, so the run starts from a full cache like a shop in service.
        using var client = context.CreateClient(Options.RequestTimeout);
        for (var id = 1; id <= Options.HotProducts; id++)
        {
            using var response = await client.GetAsync(new Uri(ShopPaths.Product(id), UriKind.Relative), cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new DrillPreconditionException(string.Create(CultureInfo.InvariantCulture, $"GET {ShopPaths.Product(id)} answered {(int)response.StatusCode}; the drill needs {Options.HotProducts} products."));
            }
        }
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var steady = context.Load.RunAsync(
            context.OpenLoop(Options.ReadRatePerSecond, Options.Duration, Options.RequestTimeout),
            i => LoadRequest.Get(ShopPaths.Product(1 + (i % Options.HotProducts)), "steady"),
            cancellationToken);

        await Task.Delay(Options.FlushAfter, context.TimeProvider, cancellationToken).ConfigureAwait(false);
        var metrics = new Uri(ManagementBase(context), "/metrics");
        var before = await PrometheusScrape.SumAsync(metrics, Options.LoadsMetric, [Options.LoadsLabel], cancellationToken).ConfigureAwait(false);
        // The herd's connections are open before the flush, like customers already on the site: it arrives at once.
        var herdSize = Options.HerdPerProduct * Options.HotProducts;
        using var herdClient = await ConnectedClientAsync(context, herdSize, cancellationToken).ConfigureAwait(false);
        context.Recorder.FaultOn("cache flushed");
        var flushed = await FlushAsync(context, cancellationToken).ConfigureAwait(false);
        if ((int)flushed is < 200 or >= 300)
        {
            await steady.ConfigureAwait(false);
            throw new DrillPreconditionException(string.Create(CultureInfo.InvariantCulture, $"DELETE {Options.FlushPath} answered {(int)flushed} during the run."));
        }

        var herd = await HerdAsync(herdClient, context, herdSize, cancellationToken).ConfigureAwait(false);
        context.Recorder.FaultOff("cache flushed");
        var steadyResult = await steady.ConfigureAwait(false);
        var after = await PrometheusScrape.SumAsync(metrics, Options.LoadsMetric, [Options.LoadsLabel], cancellationToken).ConfigureAwait(false);

        var reads = LoadStatistics.Compute([.. steadyResult.Samples, .. herd], steadyResult.Elapsed);
        var herdAnswers = string.Join(", ", herd
            .GroupBy(s => s.StatusCode == 0 ? s.Failure.ToString() : s.StatusCode.ToString(CultureInfo.InvariantCulture))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key}×{g.Count()}")));
        return CacheMissJudge.Judge(new CacheMissMeasurement(Options.HotProducts, herdSize, after - before, reads, herdAnswers), Options);
    }

    private async Task<HttpClient> ConnectedClientAsync(DrillContext context, int connections, CancellationToken cancellationToken)
    {
        var client = context.CreateClient(Options.RequestTimeout, maxConnectionsPerServer: connections);

        // As many requests at once as there will be callers: the pool opens one connection each and keeps them.
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            using var response = await client.GetAsync(new Uri(ShopPaths.Live, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        })).ConfigureAwait(false);
        return client;
    }

    // Every caller waits at one gate and all are let through together: the thundering herd on a just-emptied cache.
    private async Task<LoadSample[]> HerdAsync(HttpClient client, DrillContext context, int size, CancellationToken cancellationToken)
    {
        var time = context.TimeProvider;
        using var gate = new SemaphoreSlim(0);
        var callers = Enumerable.Range(0, size).Select(async i =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            var begin = time.GetTimestamp();
            try
            {
                using var response = await client.GetAsync(new Uri(ShopPaths.Product(1 + (i % Options.HotProducts)), UriKind.Relative), cancellationToken).ConfigureAwait(false);
                var sample = new LoadSample(i, TimeSpan.Zero, time.GetElapsedTime(begin), (int)response.StatusCode, LoadFailure.None, response.Headers.RetryAfter is not null, "herd");
                context.Recorder.Record(sample);
                return sample;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                var sample = new LoadSample(i, TimeSpan.Zero, time.GetElapsedTime(begin), 0, e is TaskCanceledException ? LoadFailure.Timeout : LoadFailure.Transport, false, "herd");
                context.Recorder.Record(sample);
                return sample;
            }
        }).ToList();
        gate.Release(size);
        return await Task.WhenAll(callers).ConfigureAwait(false);
    }

    private async Task<HttpStatusCode> FlushAsync(DrillContext context, CancellationToken cancellationToken)
    {
        using var client = context.CreateClient(Options.RequestTimeout, ManagementBase(context));
        using var response = await client.DeleteAsync(new Uri(Options.FlushPath, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        return response.StatusCode;
    }

    private Uri ManagementBase(DrillContext context) => Options.ManagementUrl is { } url ? LoopbackTarget.Ensure(url) : context.Target;
}
