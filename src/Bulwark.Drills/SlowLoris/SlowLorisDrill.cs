using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Switches;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.SlowLoris;

/// <summary>
/// Slow-Loris: many raw connections trickle request headers a byte at a time while normal users keep asking; with
/// a dependency also made slow (the Codex's "database takes 20 seconds"), calls needing it must give up in budget.
/// </summary>
/// <param name="options">The load and thresholds; the documented defaults when null.</param>
public sealed class SlowLorisDrill(SlowLorisOptions? options = null)
    : Drill<SlowLorisOptions>(new("slow-loris", "Slow-Loris", "If the database starts taking 20 seconds to respond, do our web servers run out of threads? (Timeouts & Circuit Breakers.)", ["06 Timeout Budgets", "01 Circuit Breaker", "02 Bulkhead"]), options)
{
    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        await context.RequireTargetAnswersAsync(Options.ProbePath, cancellationToken).ConfigureAwait(false);
        if (context.Dependencies.TryGetValue(Options.SlowDependency, out var slow))
        {
            await slow.BreakAsync(DependencyFault.Slow, Options.SlowDependencyLatency, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var attack = AttackAsync(context, cancellationToken);
        var probes = context.Load.RunAsync(
            context.OpenLoop(Options.ProbeRatePerSecond, Options.Duration, TimeSpan.FromSeconds(10), LoadOptions.DefaultMaxInFlight),
            _ => LoadRequest.Get(Options.ProbePath, "normal"),
            cancellationToken);
        Task<LoadResult>? slowCalls = null;
        if (context.Dependencies.ContainsKey(Options.SlowDependency))
        {
            slowCalls = context.Load.RunAsync(
                new LoadOptions
                {
                    DefaultHeaders = context.DefaultHeaders,
                    Target = context.Target,
                    Concurrency = Options.SlowCallConcurrency,
                    MaxRequests = 10_000,
                    // Stop starting calls early enough that the last ones finish with the attack.
                    MaxDuration = Options.Duration > Options.SlowDependencyLatency + TimeSpan.FromSeconds(1)
                        ? Options.Duration - Options.SlowDependencyLatency
                        : TimeSpan.FromSeconds(1),
                    RequestTimeout = TimeSpan.FromSeconds(Math.Min(60, Options.SlowDependencyLatency.TotalSeconds + 10)),
                },
                _ => LoadRequest.PostJsonWithFreshKey(Options.SlowCallPath, Options.SlowCallJson, "slow"),
                cancellationToken);
        }

        await Task.WhenAll(attack, probes, slowCalls ?? Task.CompletedTask).ConfigureAwait(false);
        var (opened, failed, cutoffs, elapsed) = await attack.ConfigureAwait(false);
        var sorted = cutoffs.Order().ToArray();
        var measured = new SlowLorisMeasurements(
            opened,
            failed,
            sorted.Length,
            sorted.Length == 0 ? null : sorted[sorted.Length / 2],
            elapsed,
            (await probes.ConfigureAwait(false)).Statistics,
            slowCalls is null ? null : (await slowCalls.ConfigureAwait(false)).Statistics);
        return SlowLorisJudge.Judge(measured, Options);
    }

    /// <inheritdoc />
    protected override Task RestoreCoreAsync(DrillContext context, CancellationToken cancellationToken) =>
        RestoreDependenciesAsync(context, cancellationToken, Options.SlowDependency);

    private async Task<(int Opened, int Failed, IReadOnlyCollection<TimeSpan> Cutoffs, TimeSpan Elapsed)> AttackAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var time = context.TimeProvider;
        var started = time.GetTimestamp();
        var cutoffs = new ConcurrentBag<TimeSpan>();
        var sockets = new List<Socket>();
        var failed = 0;
        var head = Encoding.ASCII.GetBytes($"GET {Options.ProbePath} HTTP/1.1\r\nHost: {context.Target.Authority}\r\nX-Slow-Loris: ");
        try
        {
            var watchers = new List<Task>();
            for (var i = 0; i < Options.Connections; i++)
            {
                try
                {
                    var socket = await LoopbackHttp.ConnectAsync(context.Target.Host, context.Target.Port, cancellationToken).ConfigureAwait(false);
                    sockets.Add(socket);
                    await socket.SendAsync(head, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                    watchers.Add(WatchAsync(socket, time, started, cutoffs, cancellationToken));
                }
                catch (SocketException)
                {
                    failed++;
                }
            }

            var closed = new HashSet<Socket>();
            var one = "a"u8.ToArray();
            while (time.GetElapsedTime(started) < Options.Duration)
            {
                await Task.Delay(Options.ByteInterval, time, cancellationToken).ConfigureAwait(false);
                foreach (var socket in sockets.Where(s => !closed.Contains(s)))
                {
                    try
                    {
                        await socket.SendAsync(one, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                    }
                    catch (SocketException)
                    {
                        // The server cut it; the watcher records when.
                        closed.Add(socket);
                    }
                }
            }

            var elapsed = time.GetElapsedTime(started);
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }

            await Task.WhenAll(watchers).ConfigureAwait(false);
            // Closing our own sockets wakes the watchers too; only cut-offs before the end count.
            return (sockets.Count, failed, cutoffs.Where(c => c < elapsed).ToArray(), elapsed);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    private static async Task WatchAsync(Socket socket, TimeProvider time, long started, ConcurrentBag<TimeSpan> cutoffs, CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        try
        {
            // Any answer (a 408) or an end of stream means the server gave up on this connection.
            await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            cutoffs.Add(time.GetElapsedTime(started));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            cutoffs.Add(time.GetElapsedTime(started));
        }
    }
}
