using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Switches;

namespace Bulwark.Drills.Sidecar;

/// <summary>
/// Sidecar (Codex 09): a service that has no resilience code of its own (the Python recommendations engine) sits behind
/// a Bulwark sidecar, and the drill breaks the service through its own fault controls while callers go through the
/// sidecar. While it fails, the sidecar's breaker must stop calling it and its retries stay within the budget (read from
/// the service's own request count); while it hangs, callers must be answered by the deadline they sent, never by
/// their own timeout; after each fault, calls must be answered again.
/// </summary>
public sealed class SidecarDrill : Drill<SidecarOptions>
{
    /// <summary>Creates the drill.</summary>
    /// <exception cref="ValidationException">An option is out of range, or the phases do not fit together.</exception>
    public SidecarDrill(SidecarOptions? options = null)
        : base(new("sidecar", "Sidecar", "Can a service written in any language get timeouts, deadlines, budgeted retries and a breaker without a line of resilience code of its own?", ["09 Sidecar"]), options)
    {
        if (Options.OpenWithin >= Options.Failing)
        {
            throw new ValidationException($"OpenWithin ({Options.OpenWithin}) must be shorter than Failing ({Options.Failing}): the breaker's effect is read in the rest of the phase.");
        }

        if (Options.ClientTimeout <= Options.CallerDeadline + Options.DeadlineGrace)
        {
            throw new ValidationException($"ClientTimeout ({Options.ClientTimeout}) must be longer than CallerDeadline plus DeadlineGrace ({Options.CallerDeadline + Options.DeadlineGrace}), or a late answer could not be told from the caller giving up.");
        }
    }

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var upstream = context.RequireDependency(Options.Dependency,
            $"pass --dependency {Options.Dependency}=http://127.0.0.1:5122 (the upstream behind the sidecar, with its /_control/faults).");
        if (upstream is not IRequestCountingDependency)
        {
            throw new DrillPreconditionException($"The '{Options.Dependency}' switch ({upstream.Description}) cannot count the upstream's requests; the drill needs a service with /_control/faults.");
        }

        // A fault left over from an earlier run would make the baseline fail for the wrong reason.
        await upstream.RestoreAsync(cancellationToken).ConfigureAwait(false);
        await context.RequireTargetAnswersAsync(Options.Path, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var upstream = context.Dependencies[Options.Dependency];
        var counter = (IRequestCountingDependency)upstream;
        var time = context.TimeProvider;

        context.Recorder.Phase("baseline");
        var baseline = await context.Load.RunAsync(Load(context, Options.Baseline), _ => LoadRequest.Get(Options.Path, "baseline"), cancellationToken).ConfigureAwait(false);
        var baselineCalls = Sent(baseline).ToList();

        context.Recorder.Phase("upstream failing");
        await upstream.BreakAsync(DependencyFault.Errors, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        var beforeFailing = await counter.GetRequestCountAsync(cancellationToken).ConfigureAwait(false);
        var failingStarted = time.GetTimestamp();
        var failingLoad = context.Load.RunAsync(Load(context, Options.Failing), _ => LoadRequest.Get(Options.Path, "failing"), cancellationToken);
        await Task.WhenAny(failingLoad, Task.Delay(Options.OpenWithin, time, cancellationToken)).ConfigureAwait(false);
        var atOpenWithin = await counter.GetRequestCountAsync(cancellationToken).ConfigureAwait(false);
        // The load's clock started a moment before ours: a late call is one started after this offset.
        var openWithinOffset = time.GetElapsedTime(failingStarted);
        var failing = await failingLoad.ConfigureAwait(false);
        var afterFailing = await counter.GetRequestCountAsync(cancellationToken).ConfigureAwait(false);
        await upstream.RestoreAsync(cancellationToken).ConfigureAwait(false);
        context.Recorder.Phase("recovery after errors");
        var recoveredAfterErrors = await WaitForRecoveryAsync(context, cancellationToken).ConfigureAwait(false);

        context.Recorder.Phase("upstream hanging");
        await upstream.BreakAsync(DependencyFault.Slow, Options.HangLatency, cancellationToken).ConfigureAwait(false);
        var hanging = await context.Load.RunAsync(Load(context, Options.Hanging), _ => WithDeadline(time), cancellationToken).ConfigureAwait(false);
        await upstream.RestoreAsync(cancellationToken).ConfigureAwait(false);
        context.Recorder.Phase("recovery after the hang");
        var recoveredAfterHang = await WaitForRecoveryAsync(context, cancellationToken).ConfigureAwait(false);

        var failingCalls = Sent(failing).ToList();
        var late = failingCalls.Where(s => s.Offset >= openWithinOffset).ToList();
        var hangingCalls = Sent(hanging).ToList();
        var answerBy = Options.CallerDeadline + Options.DeadlineGrace;
        return SidecarJudge.Judge(
            new SidecarMeasurements(
                baselineCalls.Count,
                baselineCalls.Count(s => s.Failure != LoadFailure.None || s.StatusCode is < 200 or > 299),
                failingCalls.Count,
                afterFailing - beforeFailing,
                afterFailing - atOpenWithin,
                late.Count,
                LoadStatistics.Compute(late, failing.Elapsed).P95,
                hangingCalls.Count,
                // Late is by the clock: a call the caller's timeout ended, or one that ended after its deadline and grace
                // whatever way it ended. A connection cut within that time ended in time and is counted apart below.
                hangingCalls.Count(s => s.Failure == LoadFailure.Timeout || s.Latency > answerBy),
                hangingCalls.Count(s => s.Failure == LoadFailure.Timeout),
                hangingCalls.Count(s => s.StatusCode == 504),
                hangingCalls.Select(s => s.Latency).DefaultIfEmpty(TimeSpan.Zero).Max(),
                recoveredAfterErrors,
                recoveredAfterHang,
                hangingCalls.Count(s => s.Failure == LoadFailure.Transport && s.Latency <= answerBy)),
            Options);
    }

    /// <inheritdoc />
    protected override Task RestoreCoreAsync(DrillContext context, CancellationToken cancellationToken) =>
        RestoreDependenciesAsync(context, cancellationToken, Options.Dependency);

    private LoadOptions Load(DrillContext context, TimeSpan duration) => context.OpenLoop(Options.RatePerSecond, duration, Options.ClientTimeout);

    private static IEnumerable<LoadSample> Sent(LoadResult result) => result.Samples.Where(s => s.Failure != LoadFailure.Dropped);

    // Each caller's deadline counts from when its call is made, as a real caller's would.
    private LoadRequest WithDeadline(TimeProvider time) => LoadRequest.Get(Options.Path, "hanging") with
    {
        Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["X-Deadline"] = (time.GetUtcNow() + Options.CallerDeadline).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        },
    };

    // Calls one at a time until enough in a row are answered 2xx: the breaker's break has to pass and a probe succeed.
    private async Task<TimeSpan?> WaitForRecoveryAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var time = context.TimeProvider;
        using var client = context.CreateClient(Options.ClientTimeout);
        var started = time.GetTimestamp();
        var inARow = 0;
        while (time.GetElapsedTime(started) <= Options.RecoverWithin)
        {
            try
            {
                using var response = await client.GetAsync(new Uri(Options.Path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
                inARow = response.IsSuccessStatusCode ? inARow + 1 : 0;
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                inARow = 0;
            }

            if (inARow >= Options.RecoveredAfter)
            {
                return time.GetElapsedTime(started);
            }

            await Task.Delay(Options.ProbeInterval, time, cancellationToken).ConfigureAwait(false);
        }

        return null;
    }
}
