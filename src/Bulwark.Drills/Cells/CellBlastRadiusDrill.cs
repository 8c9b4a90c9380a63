using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bulwark.Drills.Edge;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.Cells;

/// <summary>
/// Blast Radius, for cells (Codex 30): customers read through the edge, then one cell's process is killed. Passes when
/// every customer had exactly one cell, the other cells' customers saw no error and an unchanged p99, and the dead
/// cell's customers got the router's 503 problem fast instead of a hang. Needs the edge's operator key
/// (<c>--api-key</c>) and the victim's pid file (<c>deploy/cells/start.sh</c> writes them).
/// </summary>
public sealed class CellBlastRadiusDrill : Drill<CellBlastRadiusOptions>
{
    private int _pid;

    /// <summary>Creates the drill.</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public CellBlastRadiusDrill(CellBlastRadiusOptions? options = null)
        : base(new("cell-blast-radius", "Blast Radius (Cells)", "If one cell dies, do the customers of the other cells notice? (They must not.)", ["30 Cell-Based Architecture"]), options)
    {
    }

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        using var edge = new EdgeOperator(context, TimeSpan.FromSeconds(30));
        var answer = await edge.SendAsync(HttpMethod.Get, "/edge/cells", null, cancellationToken).ConfigureAwait(false);
        if (answer.Status != 200 || answer.Body is not { } cells)
        {
            throw new DrillPreconditionException($"GET /edge/cells answered {answer.Status} {answer.Detail}; is the target an edge with cells (bash deploy/cells/start.sh), and did you pass its operator key with --api-key?");
        }

        var victim = cells.GetProperty("cells").EnumerateArray().FirstOrDefault(c => string.Equals(c.GetProperty("name").GetString(), Options.Victim, StringComparison.OrdinalIgnoreCase));
        if (victim.ValueKind != JsonValueKind.Object || !victim.GetProperty("serving").GetBoolean())
        {
            throw new DrillPreconditionException($"The edge has no serving cell '{Options.Victim}'; start every cell first.");
        }

        var pidText = File.Exists(Options.VictimPidFile) ? (await File.ReadAllTextAsync(Options.VictimPidFile, cancellationToken).ConfigureAwait(false)).Trim() : null;
        if (!int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out _pid))
        {
            throw new DrillPreconditionException($"No process id in {Options.VictimPidFile}; deploy/cells/start.sh writes one per cell (or pass --set VictimPidFile=...).");
        }
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var load = new Load(context.TimeProvider, Options);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = load.RunAsync(context.Target, stop.Token);
        try
        {
            await Task.Delay(Options.Baseline, context.TimeProvider, cancellationToken).ConfigureAwait(false);
            Kill(_pid);
            load.Phase = 1;
            await Task.Delay(Options.Outage, context.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await running.ConfigureAwait(false);
        }

        return CellBlastRadiusJudge.Judge(load.Measure(Options.Victim), Options);
    }

    /// <inheritdoc />
    protected override Task RestoreCoreAsync(DrillContext context, CancellationToken cancellationToken) =>
        // A killed process is restarted by whatever runs it (deploy/cells/start.sh restarts a cell that dies); the
        // edge's probes let it back in once it answers ready.
        Task.CompletedTask;

    private static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
        }
        catch (ArgumentException e)
        {
            throw new DrillPreconditionException($"No process {pid} to kill; is the cell running?", e);
        }
    }

    private sealed record Answer(int Phase, string Customer, string? Cell, int Status, bool RouterProblem, double Ms, string? Failure);

    private sealed class Load(TimeProvider time, CellBlastRadiusOptions options)
    {
        private readonly ConcurrentQueue<Answer> _answers = new();
        private long _sent;
        private volatile int _phase;

        public int Phase
        {
            get => _phase;
            set => _phase = value;
        }

        public async Task RunAsync(Uri target, CancellationToken stop)
        {
            using var client = new HttpClient(LoopbackHttp.CreateHandler(TimeSpan.FromSeconds(5), options.Workers), disposeHandler: true)
            {
                BaseAddress = target,
                Timeout = TimeSpan.FromSeconds(30),
            };
            await Task.WhenAll(Enumerable.Range(0, options.Workers).Select(worker => Task.Run(async () =>
            {
                for (var turn = 0; !stop.IsCancellationRequested && Interlocked.Increment(ref _sent) <= options.MaxRequests; turn++)
                {
                    var customer = $"cell-drill-{(worker + (turn * options.Workers)) % options.Customers}";
                    await OneAsync(client, customer).ConfigureAwait(false);
                }
            }, CancellationToken.None))).ConfigureAwait(false);
        }

        public CellBlastRadiusMeasurements Measure(string victim)
        {
            var answers = _answers.ToList();
            var homes = answers.Where(a => a.Phase == 0 && a.Cell is not null).GroupBy(a => a.Customer).ToDictionary(g => g.Key, g => g.Select(a => a.Cell!).Distinct(StringComparer.OrdinalIgnoreCase).ToList());
            bool IsVictim(string customer) => homes.TryGetValue(customer, out var cells) && cells.Count == 1 && string.Equals(cells[0], victim, StringComparison.OrdinalIgnoreCase);
            var customers = answers.Select(a => a.Customer).Distinct().ToList();
            var others = answers.Where(a => !IsVictim(a.Customer)).ToList();
            var victims = answers.Where(a => a.Phase == 1 && IsVictim(a.Customer)).ToList();
            var otherOutage = others.Where(a => a.Phase == 1).ToList();
            return new CellBlastRadiusMeasurements(
                victim,
                customers.Count(IsVictim),
                customers.Count(c => !IsVictim(c)),
                homes.Count(h => h.Value.Count > 1),
                otherOutage.Count,
                otherOutage.Count(a => a.Failure is not null),
                P99(others.Where(a => a.Phase == 0)),
                P99(otherOutage),
                victims.Count,
                victims.Count(a => a.RouterProblem),
                victims.Count(a => a.Failure is not null && !a.RouterProblem),
                P99(victims),
                [.. answers.Where(a => a.Failure is not null && !IsVictim(a.Customer)).Concat(victims.Where(a => a.Failure is not null && !a.RouterProblem)).Take(5).Select(a => $"{a.Customer}: {a.Failure}")]);
        }

        private static double P99(IEnumerable<Answer> answers)
        {
            var ms = answers.Select(a => a.Ms).Order().ToList();
            return ms.Count == 0 ? 0 : Math.Round(ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(ms.Count * 0.99) - 1)], 1);
        }

        private async Task OneAsync(HttpClient client, string customer)
        {
            var phase = Phase;
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.BrowsePath, UriKind.Relative));
            request.Headers.TryAddWithoutValidation("X-Customer-Id", customer);
            if (options.ShopApiKey is { } key)
            {
                request.Headers.TryAddWithoutValidation("X-Api-Key", key);
            }

            var started = time.GetTimestamp();
            try
            {
                // Not the stop token: a request in flight when the load stops still counts as answered or failed.
                using var response = await client.SendAsync(request, CancellationToken.None).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None).ConfigureAwait(false);
                var ms = time.GetElapsedTime(started).TotalMilliseconds;
                var cell = response.Headers.TryGetValues("X-Cell", out var cells) ? cells.FirstOrDefault() : null;
                var status = (int)response.StatusCode;
                var routerProblem = status == 503 && body.Contains("/cell-unavailable", StringComparison.Ordinal);
                // An error is what the load generator calls one: 5xx or no answer. A 429 is a limiter's answer to the
                // drill's own pace (which quickens once the dead cell's customers are refused fast), not harm that
                // crossed from the dead cell.
                var failure = status >= 500 ? $"GET {options.BrowsePath} answered {status}" : null;
                _answers.Enqueue(new Answer(phase, customer, cell, status, routerProblem, ms, failure));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                _answers.Enqueue(new Answer(phase, customer, null, 0, false, time.GetElapsedTime(started).TotalMilliseconds, $"{e.GetType().Name} {e.Message}"));
            }
        }
    }
}
