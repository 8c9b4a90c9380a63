using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Drills.Customers;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;
using Bulwark.ShopClient;

namespace Bulwark.Drills.Hotspot;

/// <summary>
/// Hotspot: one customer drives half the traffic (wallet deposits) on a sharded shop, and the drill judges where the
/// writes go, from the shop's shard metrics (routed requests per shard, <c>GET /api/admin/shards</c>, before and after the
/// hot phase): no shard may take more than <see cref="HotspotOptions.MaxShardShare"/> of them, and none of the other
/// customers' writes may share the hot customer's shard. The others' p99, alone (baseline) and beside the hot customer,
/// is reported, not judged. The mitigation moves the hot customer's bucket online to a spare shard; restore moves it back,
/// so every run starts from the map it found. See docs/sharding.md.
/// </summary>
/// <remarks>
/// The arrangement is deterministic, so the control fails and the mitigation passes on every run: the drill observes
/// each customer's shard (the one shard whose routed-request counter rises while that customer alone reads its wallet,
/// asked again if another shard moved too), keeps a hot customer whose shard holds buckets and is not the dedicated one,
/// and keeps other customers only while they spread evenly over those shards and never share the hot customer's bucket
/// (a bucket moves whole; a neighbour in it would move along), taken in turn shard by shard so the round robin splits
/// their deposits evenly. With two shards dealt and a spare, the hot customer's shard then carries its own half plus a
/// quarter (75%) without the mitigation and its own half (50%) with it.
/// </remarks>
public sealed class HotspotDrill : Drill<HotspotOptions>
{
    private const string Others = "others";
    private const string Hot = "hot";
    private const string ShardsPath = "/api/admin/shards";

    // Probes per customer before the drill gives up telling its shard (another client moving the counters meanwhile).
    private const int ProbeAttempts = 5;

    private readonly List<(DrillCustomer Customer, string Wallet, string Shard)> _others = [];
    private readonly List<string> _hotWallets = [];
    private DrillCustomer? _hot;
    private string _hotShard = string.Empty;
    private int _hotBucket;
    private string? _movedFrom;

    /// <summary>Creates the drill.</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public HotspotDrill(HotspotOptions? options = null)
        : base(new("hotspot", "Hotspot", "In our sharded database, are 90% of the writes going to Shard A because we chose a bad Shard Key?", ["17 Sharding"]), options)
    {
    }

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        await context.RequireTargetAnswersAsync(ShopPaths.Live, cancellationToken).ConfigureAwait(false);
        using var http = LoopbackHttp.CreateClient(context.Target, Options.RequestTimeout);
        var map = await ShardMapAsync(http, cancellationToken).ConfigureAwait(false);
        if (Options.Mitigation == HotspotMitigation.DedicatedShard && !map.ContainsKey(Options.DedicatedShard))
        {
            throw new DrillPreconditionException(
                $"hotspot.DedicatedShard is {Options.DedicatedShard}, which the shard map does not have (its shards: {string.Join(", ", map.Keys)}).");
        }

        // The shards customers can live on: those the map dealt buckets to, bar the one the mitigation dedicates.
        var homes = map.Where(s => s.Value.Buckets > 0 && s.Key != Options.DedicatedShard).Select(s => s.Key).ToList();
        if (homes.Count == 0)
        {
            throw new DrillPreconditionException($"No shard but {Options.DedicatedShard} holds buckets: the drill needs customers on other shards than the dedicated one.");
        }

        var signUps = Options.OtherCustomers * 8 + 16;
        while (_hot is null)
        {
            if (signUps-- == 0)
            {
                throw new DrillPreconditionException($"No customer signed up landed on {string.Join(" or ", homes)} to play the hot customer.");
            }

            var customer = await DrillCustomer.SignUpAsync(http, context, cancellationToken).ConfigureAwait(false);
            var wallet = await customer.OpenWalletAsync(http, context.DefaultHeaders, null, cancellationToken).ConfigureAwait(false);
            var shard = await ShardOfAsync(http, context, customer, wallet, cancellationToken).ConfigureAwait(false);
            if (homes.Contains(shard))
            {
                (_hot, _hotShard, _hotBucket) = (customer, shard, BucketOf(wallet));
                _hotWallets.Add(wallet);
            }
        }

        while (_hotWallets.Count < Options.HotWallets)
        {
            _hotWallets.Add(await _hot.OpenWalletAsync(http, context.DefaultHeaders, null, cancellationToken).ConfigureAwait(false));
        }

        var perShard = (int)Math.Ceiling((double)Options.OtherCustomers / homes.Count);
        while (_others.Count < Options.OtherCustomers)
        {
            if (signUps-- == 0)
            {
                throw new DrillPreconditionException(
                    $"Signed up {Options.OtherCustomers * 8 + 16} customers without spreading {Options.OtherCustomers} evenly over {string.Join(", ", homes)}: {string.Join(", ", homes.Select(h => $"{h} {_others.Count(o => o.Shard == h)}"))}.");
            }

            var customer = await DrillCustomer.SignUpAsync(http, context, cancellationToken).ConfigureAwait(false);
            var wallet = await customer.OpenWalletAsync(http, context.DefaultHeaders, null, cancellationToken).ConfigureAwait(false);
            var shard = await ShardOfAsync(http, context, customer, wallet, cancellationToken).ConfigureAwait(false);
            if (homes.Contains(shard) && _others.Count(o => o.Shard == shard) < perShard && BucketOf(wallet) != _hotBucket)
            {
                _others.Add((customer, wallet, shard));
            }
        }

        // Taken in turn, shard by shard: the load's round robin then splits the others' deposits evenly at any count.
        var byShard = _others.GroupBy(o => o.Shard, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        var interleaved = Enumerable.Range(0, perShard).SelectMany(i => byShard.Where(g => i < g.Count).Select(g => g[i])).ToList();
        _others.Clear();
        _others.AddRange(interleaved);

        if (Options.Mitigation == HotspotMitigation.DedicatedShard)
        {
            await MoveAsync(http, _hotBucket, Options.DedicatedShard, cancellationToken).ConfigureAwait(false);
            _movedFrom = _hotShard;
            _hotShard = await ShardOfAsync(http, context, _hot, _hotWallets[0], cancellationToken).ConfigureAwait(false);
            if (_hotShard != Options.DedicatedShard)
            {
                throw new DrillPreconditionException($"After moving bucket {_hotBucket} to {Options.DedicatedShard} the hot customer's wallet still routes to {_hotShard}.");
            }
        }
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        using var http = LoopbackHttp.CreateClient(context.Target, Options.RequestTimeout);
        var baseline = await context.Load.RunAsync(Phase(context, Options.OthersRatePerSecond), i => Deposit(_others[i % _others.Count].Customer, _others[i % _others.Count].Wallet, Others), cancellationToken)
            .ConfigureAwait(false);

        var before = await ShardLoadAsync(http, cancellationToken).ConfigureAwait(false);
        var hot = await context.Load.RunAsync(
            Phase(context, Options.OthersRatePerSecond * 2),
            i => i % 2 == 0
                ? Deposit(_hot!, _hotWallets[i / 2 % _hotWallets.Count], Hot)
                : Deposit(_others[i / 2 % _others.Count].Customer, _others[i / 2 % _others.Count].Wallet, Others),
            cancellationToken).ConfigureAwait(false);
        var after = await ShardLoadAsync(http, cancellationToken).ConfigureAwait(false);

        var perShard = after.ToDictionary(p => p.Key, p => p.Value - before.GetValueOrDefault(p.Key), StringComparer.Ordinal);
        var othersSent = hot.Samples.Where(s => s.Label == Others).ToList();
        var othersOnHotShard = othersSent.Count(s => _others[s.Index / 2 % _others.Count].Shard == _hotShard);
        var others = hot.For(Others);
        return HotspotJudge.Judge(new HotspotMeasurement(
            Options.Mitigation,
            baseline.For(Others).P99.TotalMilliseconds,
            others.P99.TotalMilliseconds,
            others.Count == 0 ? 1 : (double)(others.Errors + others.Timeouts + others.TransportErrors) / others.Count,
            hot.Samples.Count == 0 ? 0 : (double)hot.For(Hot).Count / hot.Samples.Count,
            perShard,
            _hotShard,
            othersSent.Count == 0 ? 0 : (double)othersOnHotShard / othersSent.Count,
            Options.MaxShardShare));
    }

    /// <summary>Moves the hot customer's bucket back where it was, so the next run finds the map this one found.</summary>
    protected override async Task RestoreCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        if (_movedFrom is null)
        {
            return;
        }

        using var http = LoopbackHttp.CreateClient(context.Target, Options.RequestTimeout);
        await MoveAsync(http, _hotBucket, _movedFrom, cancellationToken).ConfigureAwait(false);
        _movedFrom = null;
    }

    private LoadOptions Phase(DrillContext context, double rate) => new()
    {
        Target = context.Target,
        Mode = LoadMode.OpenLoop,
        RatePerSecond = rate,
        MaxRequests = (int)Math.Min(LoadOptions.RequestCap, Math.Ceiling(rate * Options.Duration.TotalSeconds)),
        MaxDuration = Options.Duration + Options.RequestTimeout,
        RequestTimeout = Options.RequestTimeout,
        DefaultHeaders = context.DefaultHeaders,
    };

    private static LoadRequest Deposit(DrillCustomer customer, string wallet, string label)
    {
        var request = LoadRequest.PostJsonWithFreshKey($"/api/wallets/{wallet}/deposits", """{"amountCents":1}""", label);
        return request with { Headers = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase) { ["Authorization"] = "Bearer " + customer.AccessToken } };
    }

    // A wallet id carries its owner's bucket in its first four hex digits (Bulwark.Sharding's ShardedIds).
    private static int BucketOf(string wallet) => int.Parse(wallet.AsSpan(0, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    // The shard the customer's wallet routes to: the one shard whose routed-request counter rose while the drill alone
    // read that wallet. The metrics say how many requests each shard took, not whose they were; one read at a time does.
    private async Task<string> ShardOfAsync(HttpClient http, DrillContext context, DrillCustomer customer, string wallet, CancellationToken cancellationToken)
    {
        var moved = new List<string>();
        for (var attempt = 0; attempt < ProbeAttempts; attempt++)
        {
            var before = await ShardLoadAsync(http, cancellationToken).ConfigureAwait(false);
            using (var read = new HttpRequestMessage(HttpMethod.Get, $"/api/wallets/{wallet}"))
            {
                foreach (var (name, value) in context.DefaultHeaders)
                {
                    read.Headers.TryAddWithoutValidation(name, value);
                }

                customer.Authorize(read);
                using var response = await http.SendAsync(read, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new DrillPreconditionException($"Reading wallet {wallet} answered {(int)response.StatusCode}; the drill reads each customer's wallet to see its shard.");
                }
            }

            var after = await ShardLoadAsync(http, cancellationToken).ConfigureAwait(false);
            moved = [.. after.Where(p => p.Value > before.GetValueOrDefault(p.Key)).Select(p => p.Key)];
            if (moved.Count == 1)
            {
                return moved[0];
            }
        }

        throw new DrillPreconditionException(
            $"Could not tell wallet {wallet}'s shard in {ProbeAttempts} reads (the last moved {(moved.Count == 0 ? "no shard's counter" : string.Join(" and ", moved))}): the drill needs the shop to itself while it arranges.");
    }

    private async Task MoveAsync(HttpClient http, int bucket, string toShard, CancellationToken cancellationToken)
    {
        using var move = Admin(HttpMethod.Post, ShardsPath + "/moves");
        move.Content = JsonContent.Create(new { bucket, toShard });
        using var moved = await http.SendAsync(move, cancellationToken).ConfigureAwait(false);
        if (!moved.IsSuccessStatusCode)
        {
            throw new DrillPreconditionException(
                $"Moving the hot customer's bucket {bucket} to {toShard} answered {(int)moved.StatusCode}: {await moved.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }
    }

    // The shop's routed requests per shard (its Bulwark.Sharding metrics, as /api/admin/shards reports them).
    private async Task<Dictionary<string, long>> ShardLoadAsync(HttpClient http, CancellationToken cancellationToken) =>
        (await ShardMapAsync(http, cancellationToken).ConfigureAwait(false)).ToDictionary(p => p.Key, p => p.Value.Requests, StringComparer.Ordinal);

    // Each shard's buckets and routed requests, as GET /api/admin/shards reports them.
    private async Task<Dictionary<string, (int Buckets, long Requests)>> ShardMapAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var request = Admin(HttpMethod.Get, ShardsPath);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new DrillSkippedException("the target is not sharded (GET /api/admin/shards answered 404): start the shop with Shop:Sharding:Shards (docs/sharding.md)");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new DrillPreconditionException($"GET {ShardsPath} answered {(int)response.StatusCode}; the drill needs the operator key (--set hotspot.AdminKey=...).");
        }

        var map = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
        return map.GetProperty("shards").EnumerateArray().ToDictionary(
            s => s.GetProperty("name").GetString()!,
            s => (s.GetProperty("buckets").GetInt32(), s.GetProperty("requests").GetInt64()),
            StringComparer.Ordinal);
    }

    private HttpRequestMessage Admin(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("X-Api-Key", Options.AdminKey);
        return request;
    }
}
