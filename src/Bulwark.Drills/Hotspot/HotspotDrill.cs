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
/// Hotspot: one customer drives half the traffic (wallet deposits) on a sharded shop. The drill measures the other
/// customers' p99 alone (baseline) and beside the hot customer, reports each shard's share of the load from the shop's
/// shard metrics, and judges whether the mitigation (the hot customer's bucket moved online to a spare shard) keeps the
/// others within 20% of their baseline. See docs/sharding.md.
/// </summary>
public sealed class HotspotDrill : Drill<HotspotOptions>
{
    private const string Others = "others";
    private const string Hot = "hot";
    private const string ShardsPath = "/api/admin/shards";

    private readonly List<(DrillCustomer Customer, string Wallet)> _others = [];
    private readonly List<string> _hotWallets = [];
    private DrillCustomer? _hot;
    private string _hotShard = string.Empty;

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
        await ShardLoadAsync(http, cancellationToken).ConfigureAwait(false);

        for (var i = 0; i < Options.OtherCustomers; i++)
        {
            var customer = await DrillCustomer.SignUpAsync(http, ShopPaths.Users, ShopPaths.SignIn, context.DefaultHeaders, cancellationToken).ConfigureAwait(false);
            _others.Add((customer, await customer.OpenWalletAsync(http, context.DefaultHeaders, null, cancellationToken).ConfigureAwait(false)));
        }

        _hot = await DrillCustomer.SignUpAsync(http, ShopPaths.Users, ShopPaths.SignIn, context.DefaultHeaders, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < Options.HotWallets; i++)
        {
            _hotWallets.Add(await _hot.OpenWalletAsync(http, context.DefaultHeaders, null, cancellationToken).ConfigureAwait(false));
        }

        // A wallet id carries its owner's bucket in its first four hex digits (Bulwark.Sharding's ShardedIds).
        var bucket = int.Parse(_hotWallets[0].AsSpan(0, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        if (Options.Mitigation == HotspotMitigation.DedicatedShard)
        {
            using var move = Admin(HttpMethod.Post, ShardsPath + "/moves");
            move.Content = JsonContent.Create(new { bucket, toShard = Options.DedicatedShard });
            using var moved = await http.SendAsync(move, cancellationToken).ConfigureAwait(false);
            if (!moved.IsSuccessStatusCode)
            {
                throw new DrillPreconditionException(
                    $"Moving the hot customer's bucket {bucket} to {Options.DedicatedShard} answered {(int)moved.StatusCode}: {await moved.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
            }

            _hotShard = Options.DedicatedShard;
        }
        else
        {
            _hotShard = "the hot customer's shard";
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
        if (Options.Mitigation == HotspotMitigation.None)
        {
            _hotShard = perShard.MaxBy(p => p.Value).Key;
        }

        var others = hot.For(Others);
        return HotspotJudge.Judge(new HotspotMeasurement(
            Options.Mitigation,
            baseline.For(Others).P99.TotalMilliseconds,
            others.P99.TotalMilliseconds,
            others.Count == 0 ? 1 : (double)(others.Errors + others.Timeouts + others.TransportErrors) / others.Count,
            hot.Samples.Count == 0 ? 0 : (double)hot.For(Hot).Count / hot.Samples.Count,
            perShard,
            _hotShard,
            Options.MaxP99Ratio));
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

    // The shop's routed requests per shard (its Bulwark.Sharding metrics, as /api/admin/shards reports them).
    private async Task<Dictionary<string, long>> ShardLoadAsync(HttpClient http, CancellationToken cancellationToken)
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
        return map.GetProperty("shards").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("requests").GetInt64(), StringComparer.Ordinal);
    }

    private HttpRequestMessage Admin(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("X-Api-Key", Options.AdminKey);
        return request;
    }
}
