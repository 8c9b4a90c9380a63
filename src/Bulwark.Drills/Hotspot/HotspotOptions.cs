using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.Hotspot;

/// <summary>How the <see cref="HotspotDrill"/> isolates the hot customer.</summary>
public enum HotspotMitigation
{
    /// <summary>Nothing: the hot customer shares its shard with whoever hashes there (the control run).</summary>
    None,

    /// <summary>Moves the hot customer's bucket online to <see cref="HotspotOptions.DedicatedShard"/> before the load.</summary>
    DedicatedShard,
}

/// <summary>Options of the <see cref="HotspotDrill"/>; see docs/drills.md and docs/sharding.md.</summary>
public sealed class HotspotOptions
{
    /// <summary>Other customers, each with one wallet, sharing the load evenly and spread evenly over the shards that hold buckets.</summary>
    /// <value>The default value is 12.</value>
    [Range(2, 200)]
    public int OtherCustomers { get; set; } = 12;

    /// <summary>The hot customer's wallets (all in its one bucket); several, so its deposits rarely race each other.</summary>
    /// <value>The default value is 4.</value>
    [Range(1, 50)]
    public int HotWallets { get; set; } = 4;

    /// <summary>Deposits per second from the other customers together; the hot customer alone adds as many (half the traffic).</summary>
    /// <value>The default value is 40.</value>
    [Range(1, 500)]
    public double OthersRatePerSecond { get; set; } = 40;

    /// <summary>How long each phase (baseline, then hot) sends load.</summary>
    /// <value>The default value is 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The mitigation under test.</summary>
    /// <value>The default value is <see cref="HotspotMitigation.DedicatedShard"/>.</value>
    public HotspotMitigation Mitigation { get; set; } = HotspotMitigation.DedicatedShard;

    /// <summary>The shard the hot customer's bucket moves to (a spare: <c>Shop:Sharding:Shards:N:Spare=true</c>).</summary>
    /// <value>The default value is <c>shard-2</c>.</value>
    [Required(AllowEmptyStrings = false)]
    public string DedicatedShard { get; set; } = "shard-2";

    /// <summary>
    /// No shard may take more than this share of the hot phase's routed writes. The hot customer alone sends half of
    /// them, so below 0.5 no placement can pass; 0.6 lets its own shard carry it and nothing else of note.
    /// </summary>
    /// <value>The default value is 0.6.</value>
    [Range(0.5, 0.99)]
    public double MaxShardShare { get; set; } = 0.6;

    /// <summary>The operator key for <c>/api/admin/shards</c> (per-shard load and the move).</summary>
    /// <value>The default value is the demo shop's key, <c>demo-admin-key-change-me</c>.</value>
    [Required(AllowEmptyStrings = false)]
    public string AdminKey { get; set; } = "demo-admin-key-change-me";

    /// <summary>The drill's own client gives up on a request after this.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
