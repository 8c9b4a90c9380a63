using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Drills.Customers;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Switches;
using Bulwark.Drills.Targets;
using Bulwark.ShopClient;

namespace Bulwark.Drills.SplitBrain;

/// <summary>
/// Split-Brain: two instances share one database, and instance B loses it (its fault proxy cut) while customers keep
/// using both. Money must stop on B (503, never an acknowledgement the database does not hold), browsing must go on on
/// both, and after healing every acknowledged deposit must be in the database exactly once with both instances showing
/// the same balances. Each deposit carries an amount unique within its wallet, so the audit can tell them apart.
/// </summary>
/// <param name="options">The second instance, the load and the thresholds; the documented defaults when null.</param>
public sealed class SplitBrainDrill(SplitBrainOptions? options = null)
    : Drill<SplitBrainOptions>(new("split-brain", "Split-Brain", "If the network between the US and EU regions fails, do we stop writing (Consistency) or allow divergent writes (Availability)?", ["12 CQRS", "13 Event Sourcing", "04 Graceful Degradation"]), options)
{
    private const string Browse = "browse";
    private const string Deposit = "deposit";
    private const string DepositedType = "wallet.MoneyDeposited";

    private readonly List<(DrillCustomer Customer, string Wallet)> _wallets = [];
    private Uri? _partitioned;
    private long[] _nextAmount = [];

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        context.RequireDependency(Options.PartitionedDependency, $"start instance B with its database connection through a fault proxy and pass --dependency {Options.PartitionedDependency}=proxy:LISTEN:UPSTREAM (and --set split-brain.PartitionedTarget=<B's URL>).");
        _partitioned = LoopbackTarget.Parse(Options.PartitionedTarget);
        await context.RequireTargetAnswersAsync(ShopPaths.Ready, cancellationToken).ConfigureAwait(false);
        using var a = LoopbackHttp.CreateClient(context.Target, Options.RequestTimeout);
        using var b = LoopbackHttp.CreateClient(_partitioned, Options.RequestTimeout);
        if (await StatusProbe.GetStatusAsync(b, ShopPaths.Ready, cancellationToken).ConfigureAwait(false) != 200)
        {
            throw new DrillPreconditionException($"Instance B ({_partitioned}) does not answer GET {ShopPaths.Ready} with 200 before any fault; start it first.");
        }

        for (var i = 0; i < Options.Customers; i++)
        {
            var customer = await DrillCustomer.SignUpAsync(a, context, cancellationToken).ConfigureAwait(false);
            _wallets.Add((customer, await customer.OpenWalletAsync(a, context.DefaultHeaders, "on A", cancellationToken).ConfigureAwait(false)));
        }

        // The drill's premise: one database behind both. B must see A's wallet and accept A's customer.
        var (first, wallet) = _wallets[0];
        using var read = WalletRequest(first, wallet);
        using var seen = await b.SendAsync(read, cancellationToken).ConfigureAwait(false);
        if (seen.StatusCode != HttpStatusCode.OK)
        {
            throw new DrillPreconditionException($"Instance B answered {(int)seen.StatusCode} for a wallet just opened on A: the two instances must share one database and one token key.");
        }

        _nextAmount = new long[_wallets.Count];
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var partitioned = _partitioned ?? throw new InvalidOperationException("Arrange did not run.");
        var link = context.Dependencies[Options.PartitionedDependency];
        var sent = new ConcurrentDictionary<(int Phase, bool B, int Index), (int Wallet, long Amount)>();

        var baseline = await PhaseAsync(context, partitioned, 0, Options.Baseline, sent, cancellationToken).ConfigureAwait(false);
        await link.BreakAsync(DependencyFault.Down, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        var partition = await PhaseAsync(context, partitioned, 1, Options.Partition, sent, cancellationToken).ConfigureAwait(false);
        await link.RestoreAsync(cancellationToken).ConfigureAwait(false);
        var toReady = await WaitForReadyAsync(context.TimeProvider, partitioned, cancellationToken).ConfigureAwait(false);
        var healed = await PhaseAsync(context, partitioned, 2, Options.Healed, sent, cancellationToken).ConfigureAwait(false);

        var late = partition.B.Samples.Where(s => s.Label == Deposit && s.Failure != LoadFailure.Dropped && s.Offset >= Options.PartitionGrace).ToList();
        var acknowledged = new HashSet<(int Wallet, long Amount)>();
        var all = new HashSet<(int Wallet, long Amount)>();
        foreach (var (phase, result) in new[] { (0, baseline), (1, partition), (2, healed) })
        {
            foreach (var (b, run) in new[] { (false, result.A), (true, result.B) })
            {
                foreach (var sample in run.Samples.Where(s => s.Label == Deposit && sent.ContainsKey((phase, b, s.Index))))
                {
                    var op = sent[(phase, b, sample.Index)];
                    all.Add(op);
                    if (sample.StatusCode is >= 200 and < 300)
                    {
                        acknowledged.Add(op);
                    }
                }
            }
        }

        var audit = await AuditAsync(context, partitioned, acknowledged, all, cancellationToken).ConfigureAwait(false);
        return SplitBrainJudge.Judge(
            new SplitBrainMeasurement(
                Side(baseline),
                Side(partition),
                Side(healed),
                late.Count,
                late.Count(s => s.StatusCode is >= 200 and < 300),
                late.Count(s => s.StatusCode is not (>= 200 and < 300) and not 503),
                toReady,
                audit),
            Options);
    }

    /// <inheritdoc />
    protected override Task RestoreCoreAsync(DrillContext context, CancellationToken cancellationToken) =>
        RestoreDependenciesAsync(context, cancellationToken, Options.PartitionedDependency);

    private static SplitBrainPhase Side((LoadResult A, LoadResult B) phase) => new(Side(phase.A), Side(phase.B));

    private static SplitBrainSide Side(LoadResult run)
    {
        var browse = run.For(Browse);
        var money = run.Samples.Where(s => s.Label == Deposit && s.Failure != LoadFailure.Dropped).ToList();
        return new SplitBrainSide(
            browse.Sent,
            browse.Errors,
            Math.Round(browse.P99.TotalMilliseconds, 1),
            money.Count,
            money.Count(s => s.StatusCode is >= 200 and < 300),
            money.Count(s => s.IsError));
    }

    // Both instances at once, each at RatePerSecond: even requests read a product page, odd ones deposit into a wallet
    // an amount no other deposit into that wallet has.
    private async Task<(LoadResult A, LoadResult B)> PhaseAsync(
        DrillContext context, Uri partitioned, int phase, TimeSpan duration, ConcurrentDictionary<(int, bool, int), (int, long)> sent, CancellationToken cancellationToken)
    {
        LoadRequest Next(bool b, int i)
        {
            if (i % 2 == 0)
            {
                return LoadRequest.Get(ShopPaths.Product((i / 2 % Options.Products) + 1), Browse);
            }

            // B starts half-way round the wallets, so A and B seldom race for the same wallet (a 409, which proves nothing here).
            var wallet = ((i / 2) + (b ? _wallets.Count / 2 : 0)) % _wallets.Count;
            var amount = Interlocked.Increment(ref _nextAmount[wallet]);
            sent[(phase, b, i)] = (wallet, amount);
            var (customer, id) = _wallets[wallet];
            var request = LoadRequest.PostJsonWithFreshKey($"/api/wallets/{id}/deposits", $$"""{"amountCents":{{amount}}}""", Deposit);
            return request with { Headers = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase) { ["Authorization"] = "Bearer " + customer.AccessToken } };
        }

        var a = context.Load.RunAsync(Load(context, context.Target, duration), i => Next(false, i), cancellationToken);
        var b = context.Load.RunAsync(Load(context, partitioned, duration), i => Next(true, i), cancellationToken);
        await Task.WhenAll(a, b).ConfigureAwait(false);
        return (await a.ConfigureAwait(false), await b.ConfigureAwait(false));
    }

    private LoadOptions Load(DrillContext context, Uri target, TimeSpan duration)
    {
        var options = context.OpenLoop(Options.RatePerSecond, duration, Options.RequestTimeout, maxInFlight: 64);
        options.Target = target;
        return options;
    }

    private async Task<TimeSpan?> WaitForReadyAsync(TimeProvider time, Uri partitioned, CancellationToken cancellationToken)
    {
        using var b = LoopbackHttp.CreateClient(partitioned, TimeSpan.FromSeconds(5));
        var started = time.GetTimestamp();
        while (time.GetElapsedTime(started) <= Options.HealWithin)
        {
            if (await StatusProbe.GetStatusAsync(b, ShopPaths.Ready, cancellationToken).ConfigureAwait(false) == 200)
            {
                return time.GetElapsedTime(started);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    // Reads each wallet's history through the operator's export (every event, from the database) and its balance from
    // both instances, and compares them with what the drill sent and was told.
    private async Task<SplitBrainAudit?> AuditAsync(
        DrillContext context, Uri partitioned, HashSet<(int Wallet, long Amount)> acknowledged, HashSet<(int Wallet, long Amount)> sent, CancellationToken cancellationToken)
    {
        using var a = LoopbackHttp.CreateClient(context.Target, Options.RequestTimeout);
        using var b = LoopbackHttp.CreateClient(partitioned, Options.RequestTimeout);
        int lost = 0, duplicated = 0, unacknowledgedApplied = 0, foreign = 0, mismatches = 0;
        var examples = new List<string>();
        for (var w = 0; w < _wallets.Count; w++)
        {
            var (customer, id) = _wallets[w];
            var history = await HistoryAsync(a, customer.Id, id, cancellationToken).ConfigureAwait(false);
            if (history is null)
            {
                return null;
            }

            var counts = history.GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
            foreach (var (amount, count) in counts)
            {
                duplicated += count > 1 ? count - 1 : 0;
                if (!sent.Contains((w, amount)))
                {
                    foreign++;
                }
                else if (!acknowledged.Contains((w, amount)))
                {
                    unacknowledgedApplied++;
                }
            }

            var missing = acknowledged.Where(o => o.Wallet == w && !counts.ContainsKey(o.Amount)).Select(o => o.Amount).ToList();
            lost += missing.Count;
            if (missing.Count > 0)
            {
                examples.Add($"wallet {id}: acknowledged deposits of {string.Join(", ", missing.Take(5).Select(m => m.ToString(CultureInfo.InvariantCulture)))} cents are not in its history");
            }

            var sum = history.Sum();
            var onA = await BalanceAsync(a, customer, id, cancellationToken).ConfigureAwait(false);
            var onB = await BalanceAsync(b, customer, id, cancellationToken).ConfigureAwait(false);
            if (onA != sum || onB != sum)
            {
                mismatches++;
                examples.Add($"wallet {id}: history sums to {sum} cents, A answers {Show(onA)}, B answers {Show(onB)}");
            }
        }

        return new SplitBrainAudit(_wallets.Count, acknowledged.Count, lost, duplicated, unacknowledgedApplied, foreign, mismatches, [.. examples.Take(5)]);
    }

    private static string Show(long? cents) => cents?.ToString(CultureInfo.InvariantCulture) ?? "no balance";

    private async Task<List<long>?> HistoryAsync(HttpClient http, Guid customerId, string walletId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/admin/cells/customers/{customerId}/wallets/");
        request.Headers.TryAddWithoutValidation("X-Api-Key", Options.AdminKey);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var export = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
        var wallet = export.GetProperty("wallets").EnumerateArray().FirstOrDefault(x => x.GetProperty("walletId").GetString() == walletId);
        if (wallet.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return [.. wallet.GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("eventType").GetString()!.StartsWith(DepositedType, StringComparison.Ordinal))
            .Select(e => e.GetProperty("data").GetProperty("amountCents").GetInt64())];
    }

    private static async Task<long?> BalanceAsync(HttpClient http, DrillCustomer customer, string walletId, CancellationToken cancellationToken)
    {
        using var request = WalletRequest(customer, walletId);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false)).GetProperty("balanceCents").GetInt64()
            : null;
    }

    private static HttpRequestMessage WalletRequest(DrillCustomer customer, string walletId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/wallets/{walletId}");
        customer.Authorize(request);
        return request;
    }
}
