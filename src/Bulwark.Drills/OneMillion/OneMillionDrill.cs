using System.Globalization;
using Bulwark.Drills.Customers;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;
using Bulwark.ShopClient;

namespace Bulwark.Drills.OneMillion;

/// <summary>
/// One Million: a step-load capacity search on a mix of catalogue reads and wallet deposits. Each open-loop step is
/// the previous one's rate times a factor, and during each the target's own saturation signals are read from
/// <c>/metrics</c> and readiness; the search stops at the first step that breaks the SLO. The verdict names the highest
/// rate within the SLO, the component that saturated first, what the target did past its capacity (shed, or fell over),
/// whether it came back, and what 1,000,000 users would take under the stated assumptions.
/// </summary>
/// <param name="options">The steps, SLO and assumptions; the documented defaults when null.</param>
public sealed class OneMillionDrill(OneMillionOptions? options = null)
    : Drill<OneMillionOptions>(new("one-million", "One Million", "If we suddenly get 1,000,000 users tomorrow, which component breaks first? (Usually the Database.)", ["17 Sharding", "18 Cache-Aside"]), options)
{
    private const string Read = "read";
    private const string Write = "write";
    private readonly List<(DrillCustomer Customer, string Wallet)> _wallets = [];

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        await context.RequireTargetAnswersAsync(ShopPaths.Products(), cancellationToken).ConfigureAwait(false);
        using var http = LoopbackHttp.CreateClient(context.Target, Options.RequestTimeout);
        var headers = LoadHeaders(context);
        _wallets.Clear();
        var customers = new List<DrillCustomer>();
        for (var i = 0; i < Options.Customers; i++)
        {
            customers.Add(await DrillCustomer.SignUpAsync(http, ShopPaths.Users, ShopPaths.SignIn, headers, cancellationToken).ConfigureAwait(false));
        }

        for (var i = 0; i < Options.Wallets; i++)
        {
            var customer = customers[i % customers.Count];
            _wallets.Add((customer, await customer.OpenWalletAsync(http, headers, null, cancellationToken).ConfigureAwait(false)));
        }
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        if (_wallets.Count == 0)
        {
            throw new DrillPreconditionException("arrange opened no wallet to deposit into.");
        }

        var time = context.TimeProvider;
        var baseline = await ProbeAsync(context, cancellationToken).ConfigureAwait(false);
        var steps = new List<StepMeasurement>();
        var rate = Options.StartRatePerSecond;
        int? broke = null;
        for (var number = 1; rate <= LoadOptions.RateCap; number++, rate *= Options.StepFactor)
        {
            var step = await StepAsync(context, number, rate, cancellationToken).ConfigureAwait(false);
            steps.Add(step);
            broke ??= OneMillionJudge.HoldsSlo(step, Options) ? null : number;
            if (broke is { } first ? number - first >= Options.OverloadSteps : number >= Options.MaxSteps)
            {
                break;
            }
        }

        // Recovery: probe windows at the baseline's rate until one is back at baseline latency, or the bound passes.
        var stopped = time.GetTimestamp();
        var threshold = TimeSpan.FromMilliseconds(Math.Max(baseline.Statistics.P99.TotalMilliseconds * Options.RecoveryP99Factor, Options.RecoveryP99Floor.TotalMilliseconds));
        TimeSpan? recoveredAfter = null;
        LoadResult probe;
        do
        {
            probe = await ProbeAsync(context, cancellationToken).ConfigureAwait(false);
            if (probe.Statistics.Sent > 0 && probe.Statistics.Errors == 0 && probe.Statistics.P99 <= threshold)
            {
                recoveredAfter = time.GetElapsedTime(stopped);
                break;
            }
        }
        while (time.GetElapsedTime(stopped) + Options.ProbeWindow <= Options.RecoverWithin);

        return OneMillionJudge.Judge(new OneMillionMeasurement(baseline.Statistics, steps, recoveredAfter, probe.Statistics), Options);
    }

    private async Task<StepMeasurement> StepAsync(DrillContext context, int number, double rate, CancellationToken cancellationToken)
    {
        var time = context.TimeProvider;
        var began = time.GetTimestamp();
        var readings = new List<MetricsReading> { await ReadMetricsAsync(context, TimeSpan.Zero, cancellationToken).ConfigureAwait(false) };
        using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampler = SampleAsync(context, began, readings, stopSampling.Token);
        context.Recorder.FaultOn(Invariant($"step {number}: {rate:0.#}/s"));
        LoadResult result;
        try
        {
            result = await context.Load.RunAsync(
                context.OpenLoop(rate, Options.StepDuration, Options.RequestTimeout, Options.MaxInFlight),
                NextRequest,
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            context.Recorder.FaultOff(Invariant($"step {number}: {rate:0.#}/s"));
            await stopSampling.CancelAsync().ConfigureAwait(false);
            await sampler.ConfigureAwait(false);
        }

        readings.Add(await ReadMetricsAsync(context, time.GetElapsedTime(began), cancellationToken).ConfigureAwait(false));
        var reads = result.For(Read);
        var writes = result.For(Write);
        return new StepMeasurement(number, rate, result.Statistics, reads, writes, StepAnswers.Classify(result.Samples), SaturationSignals.Evaluate(readings, reads, writes, Options));
    }

    // Reads during the load, every ScrapeInterval: the gauges (thread-pool queue, readiness) are worth reading only then.
    private async Task SampleAsync(DrillContext context, long began, List<MetricsReading> readings, CancellationToken stop)
    {
        var time = context.TimeProvider;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(Options.ScrapeInterval, time, stop).ConfigureAwait(false);
                var reading = await ReadMetricsAsync(context, time.GetElapsedTime(began), stop).ConfigureAwait(false);
                lock (readings)
                {
                    readings.Add(reading);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The step ended; the last reading is taken after the load.
        }
    }

    private async Task<MetricsReading> ReadMetricsAsync(DrillContext context, TimeSpan at, CancellationToken cancellationToken)
    {
        var management = Options.ManagementUrl is { } url ? LoopbackTarget.Ensure(url) : context.Target;
        using var client = LoopbackHttp.CreateClient(management, Options.ScrapeInterval + TimeSpan.FromSeconds(1));
        var metrics = await GetAsync(client, Options.MetricsPath, cancellationToken).ConfigureAwait(false);
        var ready = await GetAsync(client, Options.ReadyPath, cancellationToken).ConfigureAwait(false);
        return MetricsReading.From(at, metrics is { Ok: true } ? metrics.Value.Body : null, ready?.Ok);
    }

    // The status and body; null when it did not answer in time (an overloaded target's probes may not).
    private static async Task<(bool Ok, string Body)?> GetAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
            return (response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private Task<LoadResult> ProbeAsync(DrillContext context, CancellationToken cancellationToken) =>
        context.Load.RunAsync(
            context.OpenLoop(Options.ProbeRatePerSecond, Options.ProbeWindow, Options.RequestTimeout),
            i => WithKey(LoadRequest.Get(ShopPaths.Product(1 + (i % Options.Products)), "probe")),
            cancellationToken);

    // Writes evenly spread at WriteShare; reads alternate a product page and the first page of the list.
    private LoadRequest NextRequest(int i)
    {
        if (Math.Floor((i + 1) * Options.WriteShare) > Math.Floor(i * Options.WriteShare))
        {
            var (customer, wallet) = _wallets[(int)Math.Floor(i * Options.WriteShare) % _wallets.Count];
            var deposit = LoadRequest.PostJsonWithFreshKey($"/api/wallets/{wallet}/deposits", """{"amountCents":1}""", Write);
            return WithKey(deposit with { Headers = new Dictionary<string, string>(deposit.Headers, StringComparer.OrdinalIgnoreCase) { ["Authorization"] = "Bearer " + customer.AccessToken } });
        }

        return WithKey(LoadRequest.Get(i % 2 == 0 ? ShopPaths.Product(1 + (i / 2 % Options.Products)) : ShopPaths.Products(), Read));
    }

    private LoadRequest WithKey(LoadRequest request) =>
        Options.LoadApiKey is { } key
            ? request with { Headers = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase) { ["X-Api-Key"] = key } }
            : request;

    private Dictionary<string, string> LoadHeaders(DrillContext context)
    {
        var headers = new Dictionary<string, string>(context.DefaultHeaders, StringComparer.OrdinalIgnoreCase);
        if (Options.LoadApiKey is { } key)
        {
            headers["X-Api-Key"] = key;
        }

        return headers;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
