using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Switches;
using Bulwark.ShopClient;

namespace Bulwark.Drills.Recovery;

/// <summary>
/// Recovery: takes a dependency down under steady client load, brings it back, and counts the requests that reach it
/// right after — a retry storm shows up as many dependency requests per client call.
/// </summary>
/// <param name="options">The load and thresholds; the documented defaults when null.</param>
public sealed class RecoveryDrill(RecoveryOptions? options = null)
    : Drill<RecoveryOptions>(new("recovery", "Recovery", "When the database comes back online after an outage, does it immediately crash again due to a retry storm? (Backoff & Jitter.)", ["03 Backoff + Jitter", "01 Circuit Breaker"]), options)
{
    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        await context.RequireTargetAnswersAsync(ShopPaths.Live, cancellationToken).ConfigureAwait(false);
        var dependency = context.RequireDependency(Options.Dependency, "pass --payment-control http://127.0.0.1:5101 (the provider's control endpoint).");
        if (dependency is not IRequestCountingDependency)
        {
            throw new DrillPreconditionException($"The '{Options.Dependency}' switch ({dependency.Description}) cannot count requests; Recovery needs a stand-in's control endpoint.");
        }

        await dependency.BreakAsync(DependencyFault.Down, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var dependency = context.Dependencies[Options.Dependency];
        var counter = (IRequestCountingDependency)dependency;
        var total = Options.Outage + Options.RecoveryWindow;
        var time = context.TimeProvider;
        var started = time.GetTimestamp();
        var calls = context.Load.RunAsync(
            context.OpenLoop(Options.ClientRatePerSecond, total, Options.RequestTimeout, LoadOptions.DefaultMaxInFlight),
            _ => LoadRequest.PostJsonWithFreshKey(Options.CallPath, Options.CallJson, "call"),
            cancellationToken);

        await Task.Delay(Options.Outage, time, cancellationToken).ConfigureAwait(false);
        var before = await counter.GetRequestCountAsync(cancellationToken).ConfigureAwait(false);
        await dependency.RestoreAsync(cancellationToken).ConfigureAwait(false);
        var restoredAt = time.GetElapsedTime(started);
        var result = await calls.ConfigureAwait(false);
        var after = await counter.GetRequestCountAsync(cancellationToken).ConfigureAwait(false);

        // The load generator's clock started a moment before ours: its offsets are at most that moment early.
        var duringOutage = result.Samples.Where(s => s.Offset < restoredAt && s.Failure != LoadFailure.Dropped).ToList();
        var afterRestore = result.Samples.Where(s => s.Offset >= restoredAt && s.Failure != LoadFailure.Dropped).ToList();
        var firstSuccess = afterRestore
            .Concat(duringOutage)
            .Where(s => s.StatusCode is >= 200 and < 300)
            .Select(s => s.Offset + s.Latency - restoredAt)
            .Where(t => t >= TimeSpan.Zero)
            .DefaultIfEmpty(TimeSpan.MinValue)
            .Min();
        var measured = new RecoveryMeasurements(
            duringOutage.Count,
            duringOutage.Count(s => s.StatusCode is < 200 or >= 300),
            afterRestore.Count,
            after - before,
            firstSuccess == TimeSpan.MinValue ? null : firstSuccess);
        return RecoveryJudge.Judge(measured, Options);
    }

    /// <inheritdoc />
    protected override Task RestoreCoreAsync(DrillContext context, CancellationToken cancellationToken) =>
        RestoreDependenciesAsync(context, cancellationToken, Options.Dependency);
}
