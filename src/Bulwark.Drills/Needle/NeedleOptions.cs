using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.Needle;

/// <summary>The Needle in a Haystack drill's load, haystack and thresholds. See <c>docs/drills.md</c>.</summary>
public sealed class NeedleOptions
{
    /// <summary>
    /// The target's JSON log file (one <c>JsonLineFormatter</c> line per entry: the shop's stdout redirected to a file).
    /// The drill reads it; it never writes to it.
    /// </summary>
    /// <value>The default value is null: the drill is skipped, naming <c>--set needle.LogFile=...</c>.</value>
    public string? LogFile { get; set; }

    /// <summary>The lines the haystack holds: the target's real lines plus synthetic lines shaped like them.</summary>
    /// <value>The default value is 1,000,000.</value>
    [Range(1_000, 20_000_000)]
    public int HaystackLines { get; set; } = 1_000_000;

    /// <summary>Real requests sent before and after the customer's failing one, each a real log line of the target.</summary>
    /// <value>The default value is 2,000.</value>
    [Range(0, 1_000_000)]
    public int BackgroundRequests { get; set; } = 2_000;

    /// <summary>The longest both searches together (by correlation id, then by trace id) may take.</summary>
    /// <value>The default value is one minute (the Codex's question).</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan FindWithin { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long the failing return may take to be rejected and its consumer's lines to reach the log file.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan SettleWithin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the drill looks at the return and the log file while it settles.</summary>
    /// <value>The default value is 250 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10", ParseLimitsInInvariantCulture = true)]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Where the haystack is written; deleted after the run unless <see cref="KeepHaystack"/>.</summary>
    /// <value>The default value is null: a new file in the temp folder.</value>
    public string? HaystackFile { get; set; }

    /// <summary>Whether to keep the haystack file after the run (to try the documented grep on it).</summary>
    /// <value>The default value is false.</value>
    public bool KeepHaystack { get; set; }

    /// <summary>The log category of the target's per-request line: the shop hop.</summary>
    /// <value>The default value is <c>Microsoft.AspNetCore.HttpLogging</c> (on at Information for the drill).</value>
    [Required]
    public string RequestCategory { get; set; } = "Microsoft.AspNetCore.HttpLogging";

    /// <summary>The log category of the consumer's lines: the consumer hop.</summary>
    /// <value>The default value is <c>Bulwark.Messaging</c>.</value>
    [Required]
    public string ConsumerCategory { get; set; } = "Bulwark.Messaging";

    /// <summary>The queue the returns processor consumes (the broker hop).</summary>
    /// <value>The default value is <c>returns</c>.</value>
    [Required]
    public string Queue { get; set; } = "returns";

    /// <summary>Where the operator endpoints live, when not on the target (outside Development: the management port).</summary>
    /// <value>The default value is null: the target.</value>
    public Uri? ManagementUrl { get; set; }

    /// <summary>The dead-letter endpoints (<c>MapBulwarkDeadLetters</c>), to take the drill's failed return out again.</summary>
    /// <value>The default value is <c>/admin/dlq</c>.</value>
    [Required]
    public string DeadLetterPath { get; set; } = "/admin/dlq";

    /// <summary>The timeout of each of the drill's requests.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
