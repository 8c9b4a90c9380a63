using System.Globalization;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Ddos;

/// <summary>
/// DDoS: one API key bursts open-loop while quiet keys browse; the excess must get 429 with <c>Retry-After</c> and
/// the quiet keys must not notice. Needs no fault: the load is the fault.
/// </summary>
/// <param name="options">The load and thresholds; the documented defaults when null.</param>
public sealed class DdosDrill(DdosOptions? options = null)
    : Drill<DdosOptions>(new("ddos", "DDoS", "If one user sends 10,000 requests/second, do they take down the system for everyone else? (Rate Limiting.)", ["05 Rate Limiting", "02 Bulkhead"]), options)
{
    /// <inheritdoc />
    protected override Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        return context.RequireTargetAnswersAsync(Options.Path, cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var baseline = await RunQuietAsync(context, Options.BaselineDuration, cancellationToken).ConfigureAwait(false);
        var noisyRequest = new LoadRequest(HttpMethod.Get, Options.Path, "noisy")
        {
            Headers = new Dictionary<string, string> { [Options.ApiKeyHeader] = Options.NoisyKey },
        };
        var noisy = context.Load.RunAsync(
            new LoadOptions
            {
                Target = context.Target,
                Mode = LoadMode.OpenLoop,
                RatePerSecond = Options.NoisyRatePerSecond,
                MaxInFlight = 256,
                MaxRequests = (int)Math.Min(LoadOptions.RequestCap, Math.Ceiling(Options.NoisyRatePerSecond * Options.Duration.TotalSeconds)),
                MaxDuration = Options.Duration,
                RequestTimeout = Options.RequestTimeout,
            },
            _ => noisyRequest,
            cancellationToken);
        var quiet = RunQuietAsync(context, Options.Duration, cancellationToken);
        await Task.WhenAll(noisy, quiet).ConfigureAwait(false);

        var noisyResult = await noisy.ConfigureAwait(false);
        var measured = new DdosMeasurements(
            baseline.Statistics,
            (await quiet.ConfigureAwait(false)).Statistics,
            noisyResult.Statistics,
            noisyResult.Samples.Count(s => s.StatusCode == 429 && s.HasRetryAfter),
            noisyResult.Elapsed.TotalSeconds);
        return DdosJudge.Judge(measured, Options);
    }

    private Task<LoadResult> RunQuietAsync(DrillContext context, TimeSpan duration, CancellationToken cancellationToken)
    {
        var requests = Enumerable.Range(1, Options.QuietCallers)
            .Select(i => new LoadRequest(HttpMethod.Get, Options.Path, "quiet")
            {
                Headers = new Dictionary<string, string> { [Options.ApiKeyHeader] = "drill-quiet-" + i.ToString(CultureInfo.InvariantCulture) },
            })
            .ToArray();
        return context.Load.RunAsync(
            new LoadOptions
            {
                Target = context.Target,
                Mode = LoadMode.OpenLoop,
                RatePerSecond = Options.QuietCallers * Options.QuietRatePerSecond,
                MaxRequests = (int)Math.Min(LoadOptions.RequestCap, Math.Ceiling(Options.QuietCallers * Options.QuietRatePerSecond * duration.TotalSeconds)),
                MaxDuration = duration,
                RequestTimeout = Options.RequestTimeout,
            },
            i => requests[i % requests.Length],
            cancellationToken);
    }
}
