using System.ComponentModel.DataAnnotations;
using Bulwark.ShopClient;

namespace Bulwark.Drills.OneMillion;

/// <summary>The step load, the SLO, the saturation limits and the One Million assumptions of the One Million drill. See <c>docs/drills.md</c>.</summary>
public sealed class OneMillionOptions : IValidatableObject
{
    /// <summary>The open-loop rate of the first step (reads and writes together).</summary>
    /// <value>The default value is 20 requests per second.</value>
    [Range(1, Load.LoadOptions.RateCap)]
    public double StartRatePerSecond { get; set; } = 20;

    /// <summary>Each step's rate is the previous one's times this.</summary>
    /// <value>The default value is 1.5.</value>
    [Range(1.05, 4.0)]
    public double StepFactor { get; set; } = 1.5;

    /// <summary>Steps at most before the SLO breaks; the search stops <see cref="OverloadSteps"/> after the first step that breaks it, or when the next would exceed the load generator's cap.</summary>
    /// <value>The default value is 8.</value>
    [Range(1, 20)]
    public int MaxSteps { get; set; } = 8;

    /// <summary>
    /// Steps run after the first that breaks the SLO, each at the next rate: the first broken step may be only just past
    /// the edge, where there is nothing to shed yet; what the target does past its capacity is judged over these too.
    /// </summary>
    /// <value>The default value is 1.</value>
    [Range(0, 5)]
    public int OverloadSteps { get; set; } = 1;

    /// <summary>How long each step sends.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan StepDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Share of the load that writes (a deposit by a drill customer into their wallet); the rest reads products and pages of the catalogue.</summary>
    /// <value>The default value is 0.2.</value>
    [Range(0.0, 1.0)]
    public double WriteShare { get; set; } = 0.2;

    /// <summary>Drill customers signed up before the load.</summary>
    /// <value>The default value is 4.</value>
    [Range(1, 64)]
    public int Customers { get; set; } = 4;

    /// <summary>Wallets the writes deposit into, opened round-robin by the customers: a million users write to many wallets, so writes rarely meet on one.</summary>
    /// <value>The default value is 64.</value>
    [Range(1, 1024)]
    public int Wallets { get; set; } = 64;

    /// <summary>Products the reads spread over (ids 1..N), besides pages of the product list.</summary>
    /// <value>The default value is 10.</value>
    [Range(1, 1000)]
    public int Products { get; set; } = 10;

    /// <summary>The API key the load carries, so it runs in a tier whose per-client limit is not what the drill finds; null sends the drill's default headers only.</summary>
    /// <value>The default value is <c>drill-load</c> (the Development internal tier).</value>
    public string? LoadApiKey { get; set; } = "drill-load";

    /// <summary>The SLO: a step holds it while its p99 latency is at most this...</summary>
    /// <value>The default value is 500 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:30", ParseLimitsInInvariantCulture = true)]
    public TimeSpan SloP99 { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>...and at most this share of its requests was not served (shed, failed or unanswered).</summary>
    /// <value>The default value is 0.01.</value>
    [Range(0.0, 1.0)]
    public double SloMaxUnservedShare { get; set; } = 0.01;

    /// <summary>Past capacity, at most this share of the requests may fail unsafely (a 500, a reset, no answer within <see cref="RequestTimeout"/>).</summary>
    /// <value>The default value is 0.01.</value>
    [Range(0.0, 1.0)]
    public double MaxUnsafeShare { get; set; } = 0.01;

    /// <summary>The client's deadline: a request with no full answer after this has hung.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Requests in flight at most (open loop: one due while this many are pending is dropped and counted).</summary>
    /// <value>The default value is 256.</value>
    [Range(1, 4096)]
    public int MaxInFlight { get; set; } = 256;

    /// <summary>How often the target's <c>/metrics</c> and readiness are read during a step.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ScrapeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The target's process CPU over a step, as a share of its cores, at or above which the CPU is saturated.</summary>
    /// <value>The default value is 0.85.</value>
    [Range(0.05, 1.0)]
    public double CpuShareLimit { get; set; } = 0.85;

    /// <summary>Work items queued in the target's thread pool (the peak read in a step) at or above which it is saturated.</summary>
    /// <value>The default value is 100.</value>
    [Range(1, 1_000_000)]
    public double ThreadPoolQueueLimit { get; set; } = 100;

    /// <summary>Writes' p99 at least this many times the reads' p99, with the writes past the SLO, names the database's writer as the bottleneck.</summary>
    /// <value>The default value is 4.</value>
    [Range(1.0, 1000.0)]
    public double WriteQueueFactor { get; set; } = 4;

    /// <summary>The reads' rate while the baseline and the recovery are measured.</summary>
    /// <value>The default value is 5 requests per second.</value>
    [Range(0.5, 100)]
    public double ProbeRatePerSecond { get; set; } = 5;

    /// <summary>How long one baseline or recovery window sends.</summary>
    /// <value>The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:00:30", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ProbeWindow { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>After the load stops, the target must be back to baseline latency within this.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RecoverWithin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Recovered: a window's p99 at most this many times the baseline's...</summary>
    /// <value>The default value is 3.</value>
    [Range(1.0, 100.0)]
    public double RecoveryP99Factor { get; set; } = 3;

    /// <summary>...or this, whichever is larger (tiny baselines make ratios meaningless).</summary>
    /// <value>The default value is 100 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:30", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RecoveryP99Floor { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The users the extrapolation plans for.</summary>
    /// <value>The default value is 1,000,000.</value>
    [Range(1, 10_000_000_000)]
    public double Users { get; set; } = 1_000_000;

    /// <summary>Assumption: the share of <see cref="Users"/> active at the peak minute.</summary>
    /// <value>The default value is 0.1.</value>
    [Range(0.0001, 1.0)]
    public double PeakActiveShare { get; set; } = 0.1;

    /// <summary>Assumption: requests an active user makes per minute.</summary>
    /// <value>The default value is 2.</value>
    [Range(0.01, 10_000)]
    public double RequestsPerActiveUserPerMinute { get; set; } = 2;

    /// <summary>The readiness path read with the metrics.</summary>
    /// <value>The default value is <c>/health/ready</c>.</value>
    [Required]
    public string ReadyPath { get; set; } = ShopPaths.Ready;

    /// <summary>The metrics path.</summary>
    /// <value>The default value is <c>/metrics</c>.</value>
    [Required]
    public string MetricsPath { get; set; } = "/metrics";

    /// <summary>Where <see cref="MetricsPath"/> and <see cref="ReadyPath"/> are served; null: the target (outside Development the shop serves them on its management port).</summary>
    /// <value>The default value is none (the target).</value>
    public Uri? ManagementUrl { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (StepDuration >= RecoverWithin)
        {
            yield return new ValidationResult($"{nameof(RecoverWithin)} ({RecoverWithin}) must be longer than {nameof(StepDuration)} ({StepDuration}).", [nameof(RecoverWithin)]);
        }

        if (ProbeWindow > RecoverWithin)
        {
            yield return new ValidationResult($"{nameof(ProbeWindow)} ({ProbeWindow}) must fit in {nameof(RecoverWithin)} ({RecoverWithin}).", [nameof(ProbeWindow)]);
        }

        if (ManagementUrl is { IsAbsoluteUri: false })
        {
            yield return new ValidationResult($"{nameof(ManagementUrl)} must be absolute, e.g. http://127.0.0.1:5109.", [nameof(ManagementUrl)]);
        }
    }
}
