using System.ComponentModel.DataAnnotations;
using Bulwark.ShopClient;

namespace Bulwark.Drills.SilentFailure;

/// <summary>
/// What the Silent Failure drill locks, how it loads the router and its bounds. The target is the router (the edge in
/// front of several shop instances); the victim is one instance behind it. See <c>docs/drills.md</c>.
/// </summary>
public sealed class SilentFailureOptions
{
    /// <summary>The victim instance's name as the router reports it on every answer (the edge's <c>X-Cell</c> header).</summary>
    /// <value>The default value is <c>cell-b</c>.</value>
    [Required]
    public string Victim { get; set; } = "cell-b";

    /// <summary>The header that names the instance that served an answer.</summary>
    /// <value>The default value is <c>X-Cell</c> (the edge's).</value>
    [Required]
    public string ServedByHeader { get; set; } = "X-Cell";

    /// <summary>The victim instance's own address, where its liveness and readiness are probed (loopback only).</summary>
    /// <value>The default value is <see langword="null"/>: the drill is skipped and says so.</value>
    public string? VictimUrl { get; set; }

    /// <summary>The victim's SQLite database file (<c>&lt;Shop:Data:Path&gt;/shop.db</c>) the drill locks with <c>BEGIN EXCLUSIVE</c>.</summary>
    /// <value>The default value is <see langword="null"/>: the drill is skipped and says so.</value>
    public string? VictimDatabase { get; set; }

    /// <summary>
    /// Customer requests started per second (open loop, like real customers: a stuck request does not slow the others),
    /// anonymous so the router may send each one to any instance.
    /// </summary>
    /// <value>The default value is 40.</value>
    [Range(1.0, 2_000.0)]
    public double RatePerSecond { get; set; } = 40;

    /// <summary>Requests in flight at most; one due beyond it is not sent and counts as an error.</summary>
    /// <value>The default value is 256.</value>
    [Range(1, 10_000)]
    public int MaxInFlight { get; set; } = 256;

    /// <summary>A page customers read (served from the instance's database).</summary>
    /// <value>The default value is <c>/api/products/1</c>.</value>
    [Required]
    public string BrowsePath { get; set; } = ShopPaths.Product(1);

    /// <summary>Where customers sign up (<c>POST</c>, a fresh e-mail each time): the write a locked database refuses.</summary>
    /// <value>The default value is <c>/api/users</c>.</value>
    [Required]
    public string SignUpPath { get; set; } = ShopPaths.Users;

    /// <summary>Every n-th customer request is a sign-up, the others browse.</summary>
    /// <value>The default value is 4.</value>
    [Range(1, 1000)]
    public int SignUpEvery { get; set; } = 4;

    /// <summary>Sent as <c>X-Api-Key</c> on customer requests: keeps the drill's load out of the anonymous rate-limit tier.</summary>
    /// <value>The default value is <c>drill-load</c> (the Development internal tier at the edge and the shop).</value>
    public string? ShopApiKey { get; set; } = "drill-load";

    /// <summary>The liveness probe on the victim.</summary>
    /// <value>The default value is <c>/health/live</c>.</value>
    [Required]
    public string LivePath { get; set; } = ShopPaths.Live;

    /// <summary>The readiness probe on the victim.</summary>
    /// <value>The default value is <c>/health/ready</c>.</value>
    [Required]
    public string ReadyPath { get; set; } = ShopPaths.Ready;

    /// <summary>Time between probe rounds on the victim.</summary>
    /// <value>The default value is 200 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:10", ParseLimitsInInvariantCulture = true)]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Load before the lock, to see the victim in rotation.</summary>
    /// <value>The default value is 3 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan Baseline { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long the victim's database stays locked.</summary>
    /// <value>The default value is 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:02", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan LockFor { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the drill waits to take the lock (the shop's own writers hold it briefly).</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan LockAcquireTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>With the database locked, the victim's readiness must answer 503 within this.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan UnreadyWithin { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Every readiness answer must come within this: a probe that hangs on a hung database is no answer.</summary>
    /// <value>The default value is 3 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ReadyAnswerWithin { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The router must send no customer to the victim later than this after the lock; less than <see cref="LockFor"/>.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan OutOfRotationWithin { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The highest share of customer requests that may fail (5xx or no answer) among those started while the lock is
    /// held, once <see cref="OutOfRotationWithin"/> has passed: by then the router has had its time, and customers must
    /// not notice. (Requests sent to the victim before it left fail with it; the report gives them as information.)
    /// </summary>
    /// <value>The default value is 0.05.</value>
    [Range(0.0, 1.0)]
    public double MaxErrorRate { get; set; } = 0.05;

    /// <summary>After the lock is released, the victim must serve a customer again within this.</summary>
    /// <value>The default value is 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan BackInRotationWithin { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A bound on the customer requests the drill sends.</summary>
    /// <value>The default value is 100,000.</value>
    [Range(1, 100_000)]
    public long MaxRequests { get; set; } = 100_000;
}
