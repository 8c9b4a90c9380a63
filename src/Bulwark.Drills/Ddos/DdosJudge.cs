using Bulwark.Drills.Load;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Ddos;

/// <summary>What the DDoS drill measured.</summary>
/// <param name="QuietBaseline">Quiet callers alone.</param>
/// <param name="Quiet">Quiet callers during the burst.</param>
/// <param name="Noisy">The noisy caller's burst.</param>
/// <param name="NoisyRejectedWithRetryAfter">Noisy 429 answers that carried <c>Retry-After</c>.</param>
/// <param name="BurstSeconds">How long the burst ran.</param>
public sealed record DdosMeasurements(LoadStatistics QuietBaseline, LoadStatistics Quiet, LoadStatistics Noisy, int NoisyRejectedWithRetryAfter, double BurstSeconds);

/// <summary>DDoS's verdict rules, pure so they can be tested without a network.</summary>
public static class DdosJudge
{
    /// <summary>
    /// Passed when the noisy key's excess got 429 with <c>Retry-After</c>, quiet keys got no 429, and quiet p99 and
    /// error rate stayed within their thresholds. No 429 at all is a failure: nothing stops the noisy neighbour.
    /// </summary>
    public static DrillVerdict Judge(DdosMeasurements measured, DdosOptions options)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(options);
        var noisy = measured.Noisy;
        var quiet = measured.Quiet;
        if (noisy.Sent == 0 || quiet.Sent == 0 || measured.QuietBaseline.Sent == 0)
        {
            return DrillVerdict.Inconclusive("The noisy or the quiet callers sent nothing, so there is nothing to compare.");
        }

        var rejected = noisy.CountOf(429);
        var excess = Math.Max(0, noisy.Sent - (options.ExpectedLimitPerSecond * measured.BurstSeconds));
        var requiredRejections = Math.Floor(excess * options.MinRejectedShareOfExcess);
        var quietThreshold = Math.Max(measured.QuietBaseline.P99.TotalMilliseconds * options.QuietP99Factor, options.QuietP99Floor.TotalMilliseconds);
        var quietP99 = quiet.P99.TotalMilliseconds;
        var quiet429 = quiet.CountOf(429);
        var figures = new List<DrillFigure>
        {
            DrillFigure.Info("noisy requests sent", noisy.Sent, "requests"),
            DrillFigure.Info("noisy achieved rate", noisy.Throughput, "req/s"),
            DrillFigure.Info("noisy excess over the expected limit", excess, "requests"),
            DrillFigure.AtLeast("noisy 429", rejected, "requests", requiredRejections),
            DrillFigure.AtMost("noisy 429 without Retry-After", rejected - measured.NoisyRejectedWithRetryAfter, "requests", 0),
            DrillFigure.Info("noisy 5xx + no response", noisy.Errors, "requests"),
            DrillFigure.Info("noisy p99", noisy.P99.TotalMilliseconds, "ms"),
            DrillFigure.Info("quiet baseline p99", measured.QuietBaseline.P99.TotalMilliseconds, "ms"),
            DrillFigure.AtMost("quiet p99 under attack", quietP99, "ms", Math.Round(quietThreshold, 1)),
            DrillFigure.AtMost("quiet error rate under attack", quiet.ErrorRate * 100, "%", options.QuietMaxErrorRate * 100),
            DrillFigure.AtMost("quiet 429", quiet429, "requests", 0),
        };
        var failures = new List<string>();
        var findings = new List<string>();
        if (rejected == 0 && excess > 0)
        {
            failures.Add($"Nothing stops the noisy neighbour: key '{options.NoisyKey}' sent {noisy.Sent} requests at ~{noisy.Throughput:F0}/s and got no 429 ({PlugPull.PlugPullJudge.Histogram(noisy)}).");
            findings.Add($"Add a rate limiter partitioned by {options.ApiKeyHeader} (pattern 05) in front of business logic: 429 with Retry-After and X-RateLimit-* headers on excess.");
        }
        else if (rejected < requiredRejections)
        {
            failures.Add($"The limiter let too much through: {rejected} × 429 where at least {requiredRejections:F0} of {excess:F0} excess requests should have been rejected.");
        }

        if (rejected > measured.NoisyRejectedWithRetryAfter)
        {
            failures.Add($"{rejected - measured.NoisyRejectedWithRetryAfter} × 429 came without Retry-After: well-behaved clients cannot back off correctly.");
        }

        if (quiet429 > 0)
        {
            failures.Add($"Quiet callers were rejected {quiet429} time(s): the limit is not partitioned per key.");
        }

        if (quietP99 > quietThreshold)
        {
            failures.Add($"The noisy neighbour slowed everyone: quiet p99 {measured.QuietBaseline.P99.TotalMilliseconds:F0} ms → {quietP99:F0} ms (threshold {quietThreshold:F0} ms).");
        }

        if (quiet.ErrorRate > options.QuietMaxErrorRate)
        {
            failures.Add($"Quiet callers saw errors: {quiet.ErrorRate:P1} ({PlugPull.PlugPullJudge.Histogram(quiet)}).");
        }

        if (excess == 0)
        {
            findings.Add($"The burst (~{noisy.Throughput:F0}/s) never exceeded the expected limit of {options.ExpectedLimitPerSecond:F0}/s, so rejection was not tested; raise the rate or lower --expected-limit.");
        }

        return DrillVerdict.FromChecks(
            $"The noisy key got {rejected} × 429 (all with Retry-After) on {excess:F0} excess requests; quiet callers kept p99 {quietP99:F0} ms (baseline {measured.QuietBaseline.P99.TotalMilliseconds:F0} ms) and no 429.",
            failures,
            figures,
            findings);
    }
}
