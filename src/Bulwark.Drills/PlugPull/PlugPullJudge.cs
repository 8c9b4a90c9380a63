using Bulwark.Drills.Load;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.PlugPull;

/// <summary>What Plug-Pull measured with the plug pulled.</summary>
/// <param name="Browse">The browse path's figures.</param>
/// <param name="Payments">The charge path's figures.</param>
/// <param name="PaymentsRetryAfter">Charge answers (503) that carried <c>Retry-After</c>.</param>
public sealed record PlugPullMeasurements(LoadStatistics Browse, LoadStatistics Payments, int PaymentsRetryAfter);

/// <summary>Plug-Pull's verdict rules, pure so they can be tested without a network.</summary>
public static class PlugPullJudge
{
    /// <summary>
    /// Passed when every browse request answered 200 with p99 within the threshold, and every charge answered 503
    /// within its threshold. Inconclusive when nothing was browsed or a charge succeeded (the plug did not take).
    /// </summary>
    public static DrillVerdict Judge(PlugPullMeasurements measured, PlugPullOptions options)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(options);
        var browse = measured.Browse;
        var payments = measured.Payments;
        if (browse.Sent == 0)
        {
            return DrillVerdict.Inconclusive("No browse request was sent, so there is nothing to judge.");
        }

        var charged = payments.StatusHistogram.Where(s => s.Key is >= 200 and < 300).Sum(s => s.Value);
        if (charged > 0)
        {
            return DrillVerdict.Inconclusive(
                $"The plug did not take: {charged} charge(s) succeeded while '{options.Dependency}' was supposed to be down. " +
                "Is the control URL the provider the target actually calls?");
        }

        var browseOk = browse.CountOf(200);
        var browseNot200 = browse.Sent - browseOk;
        var payments503 = payments.CountOf(503);
        var paymentsOther = payments.Sent - payments503;
        var browseP99 = browse.P99.TotalMilliseconds;
        var paymentsP99 = payments.P99.TotalMilliseconds;
        var figures = new List<DrillFigure>
        {
            DrillFigure.Info("browse requests", browse.Sent, "requests"),
            DrillFigure.AtMost("browse answers other than 200", browseNot200, "requests", 0),
            DrillFigure.Info("browse 5xx", browse.StatusHistogram.Where(s => s.Key >= 500).Sum(s => s.Value), "requests"),
            DrillFigure.Info("browse timeouts + transport errors", browse.Timeouts + browse.TransportErrors, "requests"),
            DrillFigure.Info("browse p50", browse.P50.TotalMilliseconds, "ms"),
            DrillFigure.AtMost("browse p99", browseP99, "ms", options.BrowseP99Threshold.TotalMilliseconds),
            DrillFigure.Info("browse max", browse.Max.TotalMilliseconds, "ms"),
            DrillFigure.Info("browse throughput", browse.Throughput, "req/s"),
            DrillFigure.Info("charge attempts", payments.Sent, "requests"),
            DrillFigure.AtMost("charge answers other than 503", paymentsOther, "requests", 0),
            DrillFigure.AtMost("charge p99", paymentsP99, "ms", options.PaymentsP99Threshold.TotalMilliseconds),
            DrillFigure.Info("charge 503 with Retry-After", measured.PaymentsRetryAfter, "requests"),
        };

        var failures = new List<string>();
        if (browseNot200 > 0)
        {
            failures.Add($"Browsing broke: {browseNot200} of {browse.Sent} browse requests did not answer 200 ({Histogram(browse)}).");
        }

        if (browseP99 > options.BrowseP99Threshold.TotalMilliseconds)
        {
            failures.Add($"Browsing slowed: p99 {browseP99:F0} ms over the {options.BrowseP99Threshold.TotalMilliseconds:F0} ms threshold.");
        }

        if (payments.Sent > 0 && paymentsOther > 0)
        {
            failures.Add($"Charges did not fail cleanly: {paymentsOther} of {payments.Sent} answered something other than 503 ({Histogram(payments)}).");
        }

        if (payments.Sent > 0 && paymentsP99 > options.PaymentsP99Threshold.TotalMilliseconds)
        {
            failures.Add($"Charges hung: p99 {paymentsP99:F0} ms over the {options.PaymentsP99Threshold.TotalMilliseconds:F0} ms fail-fast threshold.");
        }

        var findings = new List<string>();
        if (payments503 > measured.PaymentsRetryAfter)
        {
            findings.Add($"{payments503 - measured.PaymentsRetryAfter} charge 503(s) had no Retry-After: clients cannot tell when to come back.");
        }

        if (payments.Timeouts > 0 || paymentsP99 > options.PaymentsP99Threshold.TotalMilliseconds)
        {
            findings.Add("Give the provider call a timeout budget and a circuit breaker (patterns 01, 06): a hung dependency must cost milliseconds once the breaker is open, not a thread per request.");
        }

        return DrillVerdict.FromChecks(
            $"Browsing stayed up with '{options.Dependency}' unplugged: {browse.Sent} × 200, p99 {browseP99:F0} ms; charges failed fast with 503 (p99 {paymentsP99:F0} ms).",
            failures,
            figures,
            findings);
    }

    internal static string Histogram(LoadStatistics stats) =>
        string.Join(", ", stats.StatusHistogram.Select(s => s.Key == 0 ? $"no response × {s.Value}" : $"{s.Key} × {s.Value}"));
}
