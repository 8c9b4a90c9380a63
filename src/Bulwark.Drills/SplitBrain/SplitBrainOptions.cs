using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.SplitBrain;

/// <summary>The second instance, the partition and the load of the Split-Brain drill. See <c>docs/drills.md</c>.</summary>
public sealed class SplitBrainOptions
{
    /// <summary>
    /// The instance that is partitioned from the shared database (instance B; the drill's target is instance A). It
    /// must reach the database through the fault proxy named by <see cref="PartitionedDependency"/>.
    /// </summary>
    /// <value>The default value is <c>http://127.0.0.1:5200</c>.</value>
    [Required]
    public string PartitionedTarget { get; set; } = "http://127.0.0.1:5200";

    /// <summary>The dependency switch between instance B and the database (<c>--dependency database-b=proxy:LISTEN:UPSTREAM</c>).</summary>
    /// <value>The default value is <c>database-b</c>.</value>
    [Required]
    public string PartitionedDependency { get; set; } = "database-b";

    /// <summary>Customers signed up for the drill, one wallet each; both instances deposit into every wallet.</summary>
    /// <value>The default value is 6.</value>
    [Range(1, 100)]
    public int Customers { get; set; } = 6;

    /// <summary>Requests per second sent to each instance, half product pages and half wallet deposits.</summary>
    /// <value>The default value is 30.</value>
    [Range(2.0, 500.0)]
    public double RatePerSecond { get; set; } = 30;

    /// <summary>Load before the partition.</summary>
    /// <value>The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan Baseline { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Load while instance B is cut off from the database.</summary>
    /// <value>The default value is 4 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan Partition { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Load after healing, once instance B answers ready again.</summary>
    /// <value>The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan Healed { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A money write already inside its database commit when the cut comes may still be acknowledged (and is then in
    /// the database); only deposits sent to instance B this long after the cut must be refused.
    /// </summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30", ParseLimitsInInvariantCulture = true)]
    public TimeSpan PartitionGrace { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>After healing, instance B must answer its readiness probe within this.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan HealWithin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Distinct product pages browsed (ids 1 to this).</summary>
    /// <value>The default value is 4.</value>
    [Range(1, 100)]
    public int Products { get; set; } = 4;

    /// <summary>The highest share of product pages answered 5xx or not at all, on either instance, in any phase.</summary>
    /// <value>The default value is 0.01 (1%).</value>
    [Range(0.0, 1.0)]
    public double MaxBrowseErrorRate { get; set; } = 0.01;

    /// <summary>The highest p99 of product pages on either instance while B is partitioned.</summary>
    /// <value>The default value is 2,000 ms (generous: a shared 2-core machine, not latency, is what this bound absorbs).</value>
    [Range(1.0, 60_000.0)]
    public double MaxBrowseP99Ms { get; set; } = 2_000;

    /// <summary>The highest share of instance A's deposits answered 5xx or not at all while B is partitioned (A still reaches the database).</summary>
    /// <value>The default value is 0.05.</value>
    [Range(0.0, 1.0)]
    public double MaxHealthySideMoneyErrorRate { get; set; } = 0.05;

    /// <summary>The operator key: the post-heal audit reads each wallet's event history through an operator endpoint.</summary>
    /// <value>The default value is <c>demo-admin-key-change-me</c> (the shop's Development key).</value>
    [Required]
    public string AdminKey { get; set; } = "demo-admin-key-change-me";

    /// <summary>The drill's clients give up on a request after this.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
