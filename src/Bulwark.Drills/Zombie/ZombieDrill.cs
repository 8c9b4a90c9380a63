using Bulwark.Drills.Model;
using Bulwark.Drills.Switches;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.Zombie;

/// <summary>
/// Zombie: a process that is alive but useless must leave the load balancer (readiness), a process with a sick
/// external API must not (and must not be restarted: liveness). Pulls the external dependency and, when given, a
/// critical local one, and watches <c>/health/live</c>, <c>/health/ready</c> and a browse page.
/// </summary>
/// <param name="options">The load and thresholds; the documented defaults when null.</param>
public sealed class ZombieDrill(ZombieOptions? options = null)
    : Drill<ZombieOptions>(new("zombie", "Zombie (Silent Failure)", "If the database locks up but the web server process is still running, does the Load Balancer keep sending traffic to the black hole? (Requires Readiness Probes.)", ["27 Health Checks"]), options)
{
    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        await context.RequireTargetAnswersAsync(Options.LivePath, cancellationToken).ConfigureAwait(false);
        await context.RequireTargetAnswersAsync(Options.ReadyPath, cancellationToken).ConfigureAwait(false);
        var external = context.RequireDependency(Options.ExternalDependency, "pass --payment-control http://127.0.0.1:5101 (an external API's control endpoint).");
        await external.BreakAsync(DependencyFault.Down, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        using var client = LoopbackHttp.CreateClient(context.Target, TimeSpan.FromSeconds(5));
        var time = context.TimeProvider;
        int rounds = 0, liveBad = 0, readyBad = 0, browseBad = 0;
        var started = time.GetTimestamp();
        while (time.GetElapsedTime(started) < Options.ObserveFor)
        {
            liveBad += await StatusProbe.GetStatusAsync(client, Options.LivePath, cancellationToken).ConfigureAwait(false) == 200 ? 0 : 1;
            readyBad += await StatusProbe.GetStatusAsync(client, Options.ReadyPath, cancellationToken).ConfigureAwait(false) == 200 ? 0 : 1;
            browseBad += await StatusProbe.GetStatusAsync(client, Options.BrowsePath, cancellationToken).ConfigureAwait(false) == 200 ? 0 : 1;
            rounds++;
            await Task.Delay(Options.PollInterval, time, cancellationToken).ConfigureAwait(false);
        }

        await context.Dependencies[Options.ExternalDependency].RestoreAsync(cancellationToken).ConfigureAwait(false);

        TimeSpan? toUnready = null, toReady = null;
        var critical = context.Dependencies.GetValueOrDefault(Options.CriticalDependency);
        if (critical is not null)
        {
            await critical.BreakAsync(DependencyFault.Down, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            (toUnready, var liveDuringDrop) = await WaitForReadyAsync(client, time, expected: false, Options.ReadyDropWithin, cancellationToken).ConfigureAwait(false);
            await critical.RestoreAsync(cancellationToken).ConfigureAwait(false);
            (toReady, var liveDuringRecovery) = await WaitForReadyAsync(client, time, expected: true, Options.RecoverWithin, cancellationToken).ConfigureAwait(false);
            liveBad += liveDuringDrop + liveDuringRecovery;
        }

        return ZombieJudge.Judge(new ZombieMeasurements(rounds, liveBad, readyBad, browseBad, critical is not null, toUnready, toReady), Options);
    }

    /// <inheritdoc />
    protected override Task RestoreCoreAsync(DrillContext context, CancellationToken cancellationToken) =>
        RestoreDependenciesAsync(context, cancellationToken, Options.ExternalDependency, Options.CriticalDependency);

    private async Task<(TimeSpan? Elapsed, int LiveNot200)> WaitForReadyAsync(
        HttpClient client, TimeProvider time, bool expected, TimeSpan within, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var liveBad = 0;
        while (time.GetElapsedTime(started) <= within)
        {
            liveBad += await StatusProbe.GetStatusAsync(client, Options.LivePath, cancellationToken).ConfigureAwait(false) == 200 ? 0 : 1;
            var ready = await StatusProbe.GetStatusAsync(client, Options.ReadyPath, cancellationToken).ConfigureAwait(false) == 200;
            if (ready == expected)
            {
                return (time.GetElapsedTime(started), liveBad);
            }

            await Task.Delay(Options.PollInterval, time, cancellationToken).ConfigureAwait(false);
        }

        return (null, liveBad);
    }
}
