using System.Collections.Concurrent;
using System.Net.Http.Json;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.SilentFailure;

/// <summary>
/// Silent Failure (Observability checklist): customers go through a router to several shop instances; the drill locks
/// one instance's database while its process lives on. Passes when liveness stays 200, readiness answers 503 fast, the
/// router stops sending customers there within a bound, the customers' error rate stays under a bound, and after the
/// release the instance serves again. The target is the router; <see cref="SilentFailureOptions.VictimUrl"/> and
/// <see cref="SilentFailureOptions.VictimDatabase"/> name the instance and its file.
/// </summary>
/// <param name="options">The lock, the load and the bounds; the documented defaults when null.</param>
public sealed class SilentFailureDrill(SilentFailureOptions? options = null)
    : Drill<SilentFailureOptions>(new("silent-failure", "Silent Failure", "If the database locks up but the web server process is still running, does the Load Balancer keep sending traffic to the black hole? (Requires Readiness Probes.)", ["27 Health Checks"]), options)
{
    private const string Fault = "database locked: ";
    private SqliteDatabaseLock? _lock;

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        if (Options.VictimUrl is null || Options.VictimDatabase is null)
        {
            throw new DrillSkippedException("needs one instance behind the router to lock: --set silent-failure.VictimUrl=http://127.0.0.1:<its port> --set silent-failure.VictimDatabase=<its Shop:Data:Path>/shop.db");
        }

        if (!File.Exists(Options.VictimDatabase))
        {
            throw new DrillPreconditionException($"No database file at {Options.VictimDatabase}; pass the victim's <Shop:Data:Path>/shop.db (the shop on SQLite).");
        }

        var victim = LoopbackTarget.Parse(Options.VictimUrl);
        using var client = LoopbackHttp.CreateClient(victim, TimeSpan.FromSeconds(30));
        foreach (var path in new[] { Options.LivePath, Options.ReadyPath })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
            if ((int)response.StatusCode != 200)
            {
                throw new DrillPreconditionException($"The victim at {victim} answered {path} with {(int)response.StatusCode}; the drill starts from a healthy instance.");
            }
        }

        await context.RequireTargetAnswersAsync(Options.BrowsePath, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var time = context.TimeProvider;
        var started = time.GetTimestamp();
        TimeSpan Now() => time.GetElapsedTime(started);
        var load = new Customers(context, Options, Now);
        var probes = new Probes(LoopbackTarget.Parse(Options.VictimUrl!), Options, Now);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = Task.WhenAll(load.RunAsync(context.Target, time, stop.Token), probes.RunAsync(time, stop.Token));
        TimeSpan lockedAt, releasedAt;
        try
        {
            await Task.Delay(Options.Baseline, time, cancellationToken).ConfigureAwait(false);
            _lock = await SqliteDatabaseLock.TakeAsync(Options.VictimDatabase!, Options.LockAcquireTimeout, cancellationToken).ConfigureAwait(false);
            lockedAt = Now();
            context.Recorder.FaultOn(Fault + Options.Victim);
            await Task.Delay(Options.LockFor, time, cancellationToken).ConfigureAwait(false);
            await ReleaseAsync(context).ConfigureAwait(false);
            releasedAt = Now();
            // Back in rotation: the first customer the victim serves well after the release ends the wait.
            while (Now() - releasedAt < Options.BackInRotationWithin && !load.ServedWellSince(Options.Victim, releasedAt))
            {
                await Task.Delay(Options.PollInterval, time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await running.ConfigureAwait(false);
        }

        return SilentFailureJudge.Judge(Measure(load, probes, lockedAt, releasedAt), Options);
    }

    /// <inheritdoc />
    protected override Task RestoreCoreAsync(DrillContext context, CancellationToken cancellationToken) => ReleaseAsync(context);

    private async Task ReleaseAsync(DrillContext context)
    {
        if (Interlocked.Exchange(ref _lock, null) is { } held)
        {
            await held.DisposeAsync().ConfigureAwait(false);
            context.Recorder.FaultOff(Fault);
        }
    }

    private SilentFailureMeasurements Measure(Customers load, Probes probes, TimeSpan lockedAt, TimeSpan releasedAt)
    {
        var answers = load.Answers;
        bool ByVictim(Answer a) => string.Equals(a.ServedBy, Options.Victim, StringComparison.OrdinalIgnoreCase);
        var baseline = answers.Where(a => a.Started < lockedAt).ToList();
        var locked = answers.Where(a => a.Started >= lockedAt && a.Started < releasedAt).ToList();
        var settled = locked.Where(a => a.Started - lockedAt >= Options.OutOfRotationWithin).ToList();
        var lockedByVictim = locked.Where(ByVictim).ToList();
        var rounds = probes.Rounds.Where(r => r.Started >= lockedAt && r.Started < releasedAt).ToList();
        var firstUnready = rounds.Where(r => r.Ready is not 200 and not 0).Select(r => (TimeSpan?)(r.Started + r.ReadyTook - lockedAt)).FirstOrDefault();
        var backAt = answers.Where(a => a.Started >= releasedAt && ByVictim(a) && a.Failure is null).Select(a => (TimeSpan?)(a.Started - releasedAt)).Order().FirstOrDefault();
        return new SilentFailureMeasurements(
            Options.Victim,
            baseline.Count,
            baseline.Count == 0 ? 0 : (double)baseline.Count(ByVictim) / baseline.Count,
            probes.Rounds.Count(r => r.Started >= lockedAt && r.Live != 200),
            rounds.Count,
            firstUnready,
            rounds.Count == 0 ? TimeSpan.Zero : rounds.Max(r => r.ReadyTook),
            locked.Count,
            locked.Count(a => a.Failure is not null),
            settled.Count,
            settled.Count(a => a.Failure is not null),
            lockedByVictim.Count == 0 ? null : lockedByVictim.Max(a => a.Started) - lockedAt,
            lockedByVictim.Count(a => a.Started - lockedAt > Options.OutOfRotationWithin),
            backAt,
            [.. locked.Where(a => a.Failure is not null).Take(10).Select(a => $"+{(a.Started - lockedAt).TotalSeconds:0.0} s {a.ServedBy ?? "(no instance named)"}: {a.Failure}")]);
    }

    private sealed record Answer(TimeSpan Started, string? ServedBy, int Status, string? Failure);

    private sealed record ProbeRound(TimeSpan Started, int Live, int Ready, TimeSpan ReadyTook);

    /// <summary>Anonymous customers, open loop: browse, and every n-th request a sign-up (a write).</summary>
    private sealed class Customers(DrillContext context, SilentFailureOptions options, Func<TimeSpan> now)
    {
        private readonly ConcurrentQueue<Answer> _answers = new();
        public IReadOnlyList<Answer> Answers => [.. _answers];

        public bool ServedWellSince(string victim, TimeSpan since) =>
            _answers.Any(a => a.Started >= since && a.Failure is null && string.Equals(a.ServedBy, victim, StringComparison.OrdinalIgnoreCase));

        public async Task RunAsync(Uri router, TimeProvider time, CancellationToken stop)
        {
            using var client = new HttpClient(LoopbackHttp.CreateHandler(TimeSpan.FromSeconds(5), options.MaxInFlight), disposeHandler: true)
            {
                BaseAddress = router,
                Timeout = TimeSpan.FromSeconds(30),
            };
            var inFlight = new List<Task>();
            var started = now();
            long sent = 0;
            // Drawn, not every n-th: a fixed stride beats in step with the router's round robin and sends every write
            // to the same instance. Seeded, so runs draw the same mix.
            var mix = new Random(15);
            while (!stop.IsCancellationRequested && sent < options.MaxRequests)
            {
                // Requests due by now on the schedule, so a late tick catches up instead of lowering the rate.
                var due = Math.Min(options.MaxRequests, (long)((now() - started).TotalSeconds * options.RatePerSecond) + 1);
                inFlight.RemoveAll(t => t.IsCompleted);
                for (; sent < due; sent++)
                {
                    if (inFlight.Count >= options.MaxInFlight)
                    {
                        _answers.Enqueue(new Answer(now(), null, 0, $"not sent: {options.MaxInFlight} requests already in flight"));
                        continue;
                    }

                    inFlight.Add(OneAsync(client, mix.Next(options.SignUpEvery) == 0));
                }

                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(10), time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            await Task.WhenAll(inFlight).ConfigureAwait(false);
        }

        private async Task OneAsync(HttpClient client, bool signUp)
        {
            using var request = signUp
                ? new HttpRequestMessage(HttpMethod.Post, new Uri(options.SignUpPath, UriKind.Relative))
                {
                    Content = JsonContent.Create(new { email = $"silent-{Guid.NewGuid():N}@example.com", displayName = "Silent Failure drill", password = "correct-horse-battery-staple" }),
                }
                : new HttpRequestMessage(HttpMethod.Get, new Uri(options.BrowsePath, UriKind.Relative));
            if (options.ShopApiKey is { } key)
            {
                request.Headers.TryAddWithoutValidation("X-Api-Key", key);
            }

            var what = $"{request.Method} {request.RequestUri}";
            var started = now();
            try
            {
                // Not the stop token: a request in flight when the load stops still counts as answered or failed.
                using var response = await client.SendAsync(request, CancellationToken.None).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                var servedBy = response.Headers.TryGetValues(options.ServedByHeader, out var values) ? values.FirstOrDefault() : null;
                // An error is what the load generator counts as one: 5xx or no answer.
                _answers.Enqueue(new Answer(started, servedBy, status, status >= 500 ? $"{what} answered {status} after {(now() - started).TotalMilliseconds:0} ms" : null));
                context.Recorder.Record(now() - started, answered: true, error: status >= 500);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                _answers.Enqueue(new Answer(started, null, 0, $"{what}: {e.GetType().Name} {e.Message}"));
                context.Recorder.Record(now() - started, answered: false, error: true);
            }
        }
    }

    /// <summary>The victim's liveness and readiness, probed directly (not through the router) every poll interval.</summary>
    private sealed class Probes(Uri victim, SilentFailureOptions options, Func<TimeSpan> now)
    {
        private readonly ConcurrentQueue<ProbeRound> _rounds = new();

        public IReadOnlyList<ProbeRound> Rounds => [.. _rounds];

        public async Task RunAsync(TimeProvider time, CancellationToken stop)
        {
            // Longer than any bound: a readiness that hangs is measured as slow, not cut off at the bound.
            using var client = LoopbackHttp.CreateClient(victim, TimeSpan.FromSeconds(30));
            while (!stop.IsCancellationRequested)
            {
                var started = now();
                var live = await StatusProbe.GetStatusAsync(client, options.LivePath, CancellationToken.None).ConfigureAwait(false);
                var readyStarted = now();
                var ready = await StatusProbe.GetStatusAsync(client, options.ReadyPath, CancellationToken.None).ConfigureAwait(false);
                _rounds.Enqueue(new ProbeRound(started, live, ready, now() - readyStarted));
                try
                {
                    await Task.Delay(options.PollInterval, time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
