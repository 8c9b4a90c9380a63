using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Drills.Edge;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.ExpandContract;

/// <summary>
/// Database, for expand/contract (Codex 23, "The Hard Part: The Database"; checklist question 24): the old release serves through the edge while the new one starts on the
/// same database and applies its expand steps; both then serve side by side (a canary at 50 %) under customers who
/// register and sign in, and each release must sign in accounts the other registered. The new release is promoted, the
/// old process stopped, and only then is the contract step asked for (<c>POST /api/schema/contract</c>); customers
/// keep signing in. Needs the edge's operator key (<c>--api-key</c>) and the old release's pid file.
/// </summary>
public sealed class ExpandContractDrill : Drill<ExpandContractOptions>
{
    private const string Password = "a long drill passphrase";
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private int _pid;

    /// <summary>Creates the drill.</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public ExpandContractDrill(ExpandContractOptions? options = null)
        : base(new("expand-contract", "Database (Expand/Contract)", "Can the old and the new version run at once against one schema mid-migration, and do both keep working?", ["23 Blue-Green Deployment (the database: expand-contract)", "24 Canary Release"]), options)
    {
    }

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        using var edge = new EdgeOperator(context, TimeSpan.FromSeconds(30));
        var state = (await edge.ReleaseAsync(cancellationToken).ConfigureAwait(false)).GetProperty("state");
        if (!string.Equals(state.GetProperty("live").GetString(), Options.OldSlot, StringComparison.OrdinalIgnoreCase))
        {
            throw new DrillPreconditionException($"'{Options.OldSlot}' (the old release) must be live; switch to it first (bulwark edge switch {Options.OldSlot}).");
        }

        if (state.TryGetProperty("canary", out var canary) && canary.ValueKind == JsonValueKind.String)
        {
            throw new DrillPreconditionException($"A canary of '{canary.GetString()}' is in progress; promote or roll it back first.");
        }

        var pidText = File.Exists(Options.OldPidFile) ? (await File.ReadAllTextAsync(Options.OldPidFile, cancellationToken).ConfigureAwait(false)).Trim() : null;
        if (!int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out _pid))
        {
            throw new DrillPreconditionException($"No process id in {Options.OldPidFile}: the drill stops the old release before the contract step (pass --set OldPidFile=...).");
        }
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var time = context.TimeProvider;
        using var edge = new EdgeOperator(context, TimeSpan.FromSeconds(60));
        using var customers = LoopbackHttp.CreateClient(context.Target, TimeSpan.FromSeconds(30));

        // Accounts the old release registers before anything changes: the load signs them in all along.
        var seeds = Enumerable.Range(0, Options.Workers).Select(i => Email("seed", i)).ToArray();
        foreach (var seed in seeds)
        {
            _ = await RegisterAsync(customers, null, seed, cancellationToken).ConfigureAwait(false);
        }

        var load = new EdgeCustomerLoad();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = load.RunAsync(context.Target, Options.Workers, Options.Workers * 4, (n, _) => n % 2 == 0
            ? Customer(HttpMethod.Post, "/api/users", new { email = Email("load", n), displayName = "Drill customer", password = Password })
            : Customer(HttpMethod.Post, "/api/users/sign-in", new { email = seeds[(int)(n / 2 % seeds.Length)], password = Password }),
            Options.MaxRequests, stop.Token);

        try
        {
            // 1. The new release starts while the old one serves: its expand steps run at its start-up. The drill waits
            //    until the edge's smoke gate lets it in as a canary.
            var started = time.GetTimestamp();
            var ready = false;
            while (!ready && time.GetElapsedTime(started) < Options.NewReleaseWait)
            {
                var canary = await edge.SendAsync(HttpMethod.Post, "/edge/release/canary", new { slot = Options.NewSlot }, cancellationToken).ConfigureAwait(false);
                ready = canary.Status == 200;
                if (!ready)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken).ConfigureAwait(false);
                }
            }

            var readyMs = time.GetElapsedTime(started).TotalMilliseconds;
            if (!ready)
            {
                return Judge(new Snapshot(load), readyMs, false, default, default, 0, false, 0, 0, default, 0);
            }

            // 2. Both serve: half the customers on each, and accounts registered on one release signed in on the other.
            _ = await edge.SendAsync(HttpMethod.Put, "/edge/release/canary/weight", new { weight = 50 }, cancellationToken).ConfigureAwait(false);
            await Task.Delay(Options.Hold, time, cancellationToken).ConfigureAwait(false);
            var oldToNew = await CrossCheckAsync(customers, "old", Options.OldSlot, Options.NewSlot, cancellationToken).ConfigureAwait(false);
            var newToOld = await CrossCheckAsync(customers, "new", Options.NewSlot, Options.OldSlot, cancellationToken).ConfigureAwait(false);
            var sideBySide = new Snapshot(load);

            // 3. The new release goes live, the old process stops, and only then the contract step runs.
            var promote = await edge.SendAsync(HttpMethod.Post, "/edge/release/canary/promote", null, cancellationToken).ConfigureAwait(false);
            if (promote.Status != 200)
            {
                return Judge(sideBySide, readyMs, true, oldToNew, newToOld, promote.Status, false, 0, 0, default, 0);
            }

            // Requests the old release took just before the promotion finish before it is stopped.
            await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
            var stopped = await StopAsync(_pid, cancellationToken).ConfigureAwait(false);
            var (contractStatus, steps) = await ContractAsync(customers, cancellationToken).ConfigureAwait(false);
            var beforeAfter = load.Failures;
            await Task.Delay(Options.Hold, time, cancellationToken).ConfigureAwait(false);
            var afterContract = await SignInAllAsync(customers, [.. seeds, .. Enumerable.Range(0, Options.CrossChecks).SelectMany(i => new[] { Email("old", i), Email("new", i) })], cancellationToken).ConfigureAwait(false);
            return Judge(sideBySide, readyMs, true, oldToNew, newToOld, promote.Status, stopped, contractStatus, steps, afterContract, load.Failures - beforeAfter);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await running.ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override Task RestoreCoreAsync(DrillContext context, CancellationToken cancellationToken) =>
        // Nothing to put back: the drill's end state is the finished release (new live, old stopped, schema contracted).
        // A drill that stopped half-way leaves a canary the analysis or the operator rolls back.
        Task.CompletedTask;

    private DrillVerdict Judge(Snapshot sideBySide, double readyMs, bool ready, (int, int) oldToNew, (int, int) newToOld, int promote, bool stopped, int contract, int steps, (int, int) after, long afterFailures) =>
        ExpandContractJudge.Judge(
            new ExpandContractMeasurements(
                Options.OldSlot, Options.NewSlot, ready, readyMs, sideBySide.Requests, sideBySide.Failures, sideBySide.BySlot.GetValueOrDefault(Options.OldSlot),
                sideBySide.BySlot.GetValueOrDefault(Options.NewSlot), oldToNew, newToOld, promote, stopped, contract, steps, after, afterFailures, sideBySide.Samples),
            Options);

    private string Email(string kind, long n) => $"drill-{_run}-{kind}-{n.ToString(CultureInfo.InvariantCulture)}@example.com";

    private HttpRequestMessage Customer(HttpMethod method, string path, object body)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };
        if (Options.CustomerApiKey is { } key)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        }

        return request;
    }

    private async Task<(int Ok, int Tried)> CrossCheckAsync(HttpClient client, string kind, string writer, string reader, CancellationToken cancellationToken)
    {
        var ok = 0;
        for (var i = 0; i < Options.CrossChecks; i++)
        {
            var email = Email(kind, i);
            if (await RegisterAsync(client, writer, email, cancellationToken).ConfigureAwait(false) == 201
                && await SignInAsync(client, reader, email, cancellationToken).ConfigureAwait(false) == 200)
            {
                ok++;
            }
        }

        return (ok, Options.CrossChecks);
    }

    private async Task<(int Ok, int Tried)> SignInAllAsync(HttpClient client, IReadOnlyList<string> emails, CancellationToken cancellationToken)
    {
        var ok = 0;
        foreach (var email in emails)
        {
            ok += await SignInAsync(client, null, email, cancellationToken).ConfigureAwait(false) == 200 ? 1 : 0;
        }

        return (ok, emails.Count);
    }

    private Task<int> RegisterAsync(HttpClient client, string? pin, string email, CancellationToken cancellationToken) =>
        SendAsync(client, pin, Customer(HttpMethod.Post, "/api/users", new { email, displayName = "Drill customer", password = Password }), cancellationToken);

    private Task<int> SignInAsync(HttpClient client, string? pin, string email, CancellationToken cancellationToken) =>
        SendAsync(client, pin, Customer(HttpMethod.Post, "/api/users/sign-in", new { email, password = Password }), cancellationToken);

    private async Task<(int Status, int Steps)> ContractAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/schema/contract", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("X-Api-Key", Options.ShopAdminKey);
        request.Headers.TryAddWithoutValidation("X-Release-Pin", Options.NewSlot);
        try
        {
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return ((int)response.StatusCode, 0);
            }

            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            var steps = body.RootElement.EnumerateArray().Select(m => m.GetProperty("stepsApplied").GetInt32()).DefaultIfEmpty(0).Max();
            return ((int)response.StatusCode, steps);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (0, 0);
        }
    }

    private static async Task<int> SendAsync(HttpClient client, string? pin, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            if (pin is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Release-Pin", pin);
            }

            try
            {
                using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
                return (int)response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return 0;
            }
        }
    }

    private static async Task<bool> StopAsync(int pid, CancellationToken cancellationToken)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ArgumentException)
        {
            // Already gone: an old release that is not running is what the contract step needs.
            return true;
        }
    }

    private sealed class Snapshot(EdgeCustomerLoad load)
    {
        public long Requests { get; } = load.Requests;

        public long Failures { get; } = load.Failures;

        public IReadOnlyDictionary<string, long> BySlot { get; } = load.BySlot.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

        public IReadOnlyList<string> Samples { get; } = load.FailureSamples;
    }
}
