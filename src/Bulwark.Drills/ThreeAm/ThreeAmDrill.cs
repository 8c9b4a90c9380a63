using System.Globalization;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Switches;
using Bulwark.Drills.Targets;
using Bulwark.ShopClient;

namespace Bulwark.Drills.ThreeAm;

/// <summary>
/// 3 AM: starts a real Prometheus with the deployed alert rules at 1/<c>TimeScale</c> time, scraping the target and a
/// stand-in disk 80% full. First only the disk is "wrong": nothing may page. Then the payment provider goes down under
/// customer traffic: the page-worthy alert must fire within its (scaled) <c>for:</c> plus a grace. Every rule must link
/// a section of the runbook. Restore brings the provider back and stops Prometheus.
/// </summary>
/// <param name="options">The Prometheus, outage and time limits; the documented defaults when null.</param>
public sealed class ThreeAmDrill(ThreeAmOptions? options = null)
    : Drill<ThreeAmOptions>(new("3am", "3 AM", "Will the on-call engineer get woken up because a disk is 80% full (which is fine), or only when the site is actually down? (Requires Golden Signal Alerting.)", ["29 Metrics & Alerting", "27 Health Checks"]), options), IAsyncDisposable
{
    private PrometheusServer? _prometheus;
    private DiskStandIn? _disk;
    private IReadOnlyList<AlertRule> _rules = [];
    private IReadOnlyList<string> _runbookProblems = [];
    private string _renderedRules = string.Empty;

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        await context.RequireTargetAnswersAsync(ShopPaths.Live, cancellationToken).ConfigureAwait(false);
        context.RequireDependency(Options.Dependency, "pass --dependency payments=http://127.0.0.1:5101 (the provider's control endpoint).");
        if (!File.Exists(Options.RulesFile) || !File.Exists(Options.RunbookFile))
        {
            throw new DrillSkippedException($"needs the alert rules ({Options.RulesFile}) and the runbook ({Options.RunbookFile}): run from the repository root or --set 3am.RulesFile=... / 3am.RunbookFile=....");
        }

        var yaml = await File.ReadAllTextAsync(Options.RulesFile, cancellationToken).ConfigureAwait(false);
        _rules = AlertRules.Parse(yaml);
        _runbookProblems = AlertRules.RunbookProblems(_rules, Path.GetFileName(Options.RunbookFile), await File.ReadAllTextAsync(Options.RunbookFile, cancellationToken).ConfigureAwait(false));
        _renderedRules = AlertRules.Render(yaml, Options.TimeScale, Options.ScrapeInterval * 3);

        _disk = new DiskStandIn();
        var metrics = Options.ManagementUrl is { } m ? LoopbackTarget.Ensure(m) : context.Target;
        _prometheus = await PrometheusServer.StartAsync(
            Options.PrometheusPath,
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["shop"] = metrics.Authority,
                ["node"] = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{_disk.Port}"),
            },
            _renderedRules,
            Options.ScrapeInterval,
            context.TimeProvider,
            cancellationToken).ConfigureAwait(false);

        // Both targets scraped at least once before the clock starts, or a slow start would look like a late page.
        var started = context.TimeProvider.GetTimestamp();
        while (!await _prometheus.TargetsUpAsync(cancellationToken).ConfigureAwait(false))
        {
            if (context.TimeProvider.GetElapsedTime(started) > TimeSpan.FromSeconds(30))
            {
                throw new DrillPreconditionException($"Prometheus could not scrape {metrics}/metrics and the disk stand-in within 30 s (outside Development give --set 3am.ManagementUrl=<management URL>).");
            }

            await Task.Delay(Options.ScrapeInterval, context.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var prometheus = _prometheus ?? throw new InvalidOperationException("Arrange starts Prometheus first.");
        var time = context.TimeProvider;

        // Phase 1: the non-symptom. Customers browse happily; only the disk stand-in says 80% full.
        context.Recorder.FaultOn("disk 80% full (stand-in)");
        var quiet = Browse(context, Options.NonSymptomFor, cancellationToken);
        var nonSymptomPages = new SortedSet<string>(StringComparer.Ordinal);
        var started = time.GetTimestamp();
        while (time.GetElapsedTime(started) < Options.NonSymptomFor)
        {
            foreach (var alert in await prometheus.AlertsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (alert.State == "firing" && alert.Severity == Options.PageSeverity)
                {
                    nonSymptomPages.Add(alert.Name);
                }
            }

            await Task.Delay(Options.ScrapeInterval, time, cancellationToken).ConfigureAwait(false);
        }

        await quiet.ConfigureAwait(false);
        context.Recorder.FaultOff("disk 80% full");

        // Phase 2: a real outage users feel. The provider goes down while customers browse and pay.
        var expected = _rules.FirstOrDefault(r => r.Name == Options.ExpectedPage);
        var window = ((expected?.For ?? TimeSpan.Zero) / Options.TimeScale) + Options.FireGrace;
        var dependency = context.Dependencies[Options.Dependency];
        await dependency.BreakAsync(DependencyFault.Down, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        var outageStarted = time.GetTimestamp();
        // The load stops as soon as the page fires: the rest of the window would only add to the outage.
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var browse = Browse(context, window, stopLoad.Token);
        var charges = context.Load.RunAsync(
            context.OpenLoop(Options.ChargeRatePerSecond, window, TimeSpan.FromSeconds(10), maxInFlight: 64),
            _ => LoadRequest.PostJsonWithFreshKey(Options.ChargePath, Options.ChargeJson, "charges"),
            stopLoad.Token);
        TimeSpan? firedAfter = null;
        while (firedAfter is null && time.GetElapsedTime(outageStarted) <= window)
        {
            var alerts = await prometheus.AlertsAsync(cancellationToken).ConfigureAwait(false);
            if (alerts.Any(a => a.Name == Options.ExpectedPage && a.State == "firing"))
            {
                firedAfter = time.GetElapsedTime(outageStarted);
                break;
            }

            await Task.Delay(Options.ScrapeInterval / 2, time, cancellationToken).ConfigureAwait(false);
        }

        var scrapeProblems = firedAfter is null ? await prometheus.TargetProblemsAsync(cancellationToken).ConfigureAwait(false) : [];
        await stopLoad.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(browse, charges).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Stopped on purpose above.
        }

        await dependency.RestoreAsync(cancellationToken).ConfigureAwait(false);
        return ThreeAmJudge.Judge(new ThreeAmMeasurement(_rules.Count, _runbookProblems, [.. nonSymptomPages], expected, firedAfter, window, scrapeProblems), Options);
    }

    /// <inheritdoc />
    protected override async Task RestoreCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        await RestoreDependenciesAsync(context, cancellationToken, Options.Dependency).ConfigureAwait(false);
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops Prometheus and the disk stand-in if a run left them (restore does this already).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_prometheus is not null)
        {
            await _prometheus.DisposeAsync().ConfigureAwait(false);
            _prometheus = null;
        }

        if (_disk is not null)
        {
            await _disk.DisposeAsync().ConfigureAwait(false);
            _disk = null;
        }
    }

    private Task<LoadResult> Browse(DrillContext context, TimeSpan duration, CancellationToken cancellationToken) =>
        context.Load.RunAsync(
            context.OpenLoop(Options.BrowseRatePerSecond, duration, TimeSpan.FromSeconds(10), maxInFlight: 64),
            i => LoadRequest.Get(ShopPaths.Product(1 + (i % 10)), "browse"),
            cancellationToken);
}
