using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.Load;

/// <summary>
/// One bounded load run. Every run stops at <see cref="MaxRequests"/> or <see cref="MaxDuration"/>, whichever comes
/// first, and the hard caps below cannot be raised: a drill is an experiment on this machine, not a stress test.
/// </summary>
public sealed class LoadOptions
{
    /// <summary>The hard cap on <see cref="RatePerSecond"/>.</summary>
    public const double RateCap = 2000;

    /// <summary>The hard cap on <see cref="Concurrency"/>.</summary>
    public const int ConcurrencyCap = 256;

    /// <summary>The hard cap on <see cref="MaxRequests"/>.</summary>
    public const int RequestCap = 100_000;

    /// <summary>The default of <see cref="MaxInFlight"/>.</summary>
    public const int DefaultMaxInFlight = 512;

    /// <summary>The hard cap on <see cref="MaxDuration"/> (ten minutes).</summary>
    public static readonly TimeSpan DurationCap = TimeSpan.FromMinutes(10);

    /// <summary>The service under load; relative request URIs resolve against it. Must be loopback.</summary>
    [Required]
    public Uri? Target { get; set; }

    /// <summary>How requests are paced.</summary>
    /// <value>The default value is <see cref="LoadMode.ClosedLoop"/>.</value>
    public LoadMode Mode { get; set; } = LoadMode.ClosedLoop;

    /// <summary>Workers in closed-loop mode.</summary>
    /// <value>The default value is 8.</value>
    [Range(1, ConcurrencyCap)]
    public int Concurrency { get; set; } = 8;

    /// <summary>Headers sent with every request that does not set them itself (e.g. the caller's API key).</summary>
    /// <value>The default value is none.</value>
    public IReadOnlyDictionary<string, string> DefaultHeaders { get; set; } = new Dictionary<string, string>();

    /// <summary>Requests started per second in open-loop mode.</summary>
    /// <value>The default value is 50.</value>
    [Range(0.1, RateCap)]
    public double RatePerSecond { get; set; } = 50;

    /// <summary>Requests in flight at most in open-loop mode; a request due while this many are pending is dropped and counted.</summary>
    /// <value>The default value is 512.</value>
    [Range(1, 4096)]
    public int MaxInFlight { get; set; } = DefaultMaxInFlight;

    /// <summary>The run stops after this many requests.</summary>
    /// <value>The default value is 1000.</value>
    [Range(1, RequestCap)]
    public int MaxRequests { get; set; } = 1000;

    /// <summary>No request starts after this much time; requests in flight then may still take <see cref="RequestTimeout"/>.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A request that has not fully answered after this long is recorded as a timeout.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Checks the annotations and the loopback rule.</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    /// <exception cref="Targets.NonLoopbackTargetException">The target is not on loopback.</exception>
    public void Validate()
    {
        Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
        Targets.LoopbackTarget.Ensure(Target!);
    }
}
