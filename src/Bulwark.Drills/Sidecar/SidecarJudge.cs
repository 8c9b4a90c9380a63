using System.Globalization;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Sidecar;

/// <summary>What the Sidecar drill observed, phase by phase.</summary>
/// <param name="BaselineCalls">Calls answered or failed with the upstream healthy.</param>
/// <param name="BaselineFailures">Of those, the ones without a 2xx answer.</param>
/// <param name="FailingCalls">Calls sent while the upstream answered every call with an error.</param>
/// <param name="UpstreamCallsWhileFailing">Calls that reached the upstream in that phase, by its own count (first attempts and retries).</param>
/// <param name="UpstreamCallsAfterOpenWithin">Of those, the ones after <see cref="SidecarOptions.OpenWithin"/>: what an open breaker stops.</param>
/// <param name="CallsAfterOpenWithin">Caller calls sent in that late part of the failing phase.</param>
/// <param name="LateAnswerP95">95th percentile of the answers' latency in that late part.</param>
/// <param name="HangingCalls">Calls sent with a deadline while the upstream hung.</param>
/// <param name="HangingLate">Of those, the ones not ended by their deadline and its grace: answered later, or not at all by then.</param>
/// <param name="HangingClientTimeouts">Of those, the ones the caller's own timeout ended.</param>
/// <param name="HangingGatewayTimeouts">Of those, the ones answered 504 (the deadline carried).</param>
/// <param name="HangingSlowest">The slowest answer in the hanging phase.</param>
/// <param name="RecoveredAfterErrors">From lifting the errors to the last of the consecutive answered calls; null when it did not recover.</param>
/// <param name="RecoveredAfterHang">The same after the hang; null when it did not recover.</param>
/// <param name="HangingResets">Of the hanging calls, the ones cut off without an answer (reset, closed early) within their deadline and its grace: ended in time, but not with a 504.</param>
public sealed record SidecarMeasurements(
    int BaselineCalls,
    int BaselineFailures,
    int FailingCalls,
    long UpstreamCallsWhileFailing,
    long UpstreamCallsAfterOpenWithin,
    int CallsAfterOpenWithin,
    TimeSpan LateAnswerP95,
    int HangingCalls,
    int HangingLate,
    int HangingClientTimeouts,
    int HangingGatewayTimeouts,
    TimeSpan HangingSlowest,
    TimeSpan? RecoveredAfterErrors,
    TimeSpan? RecoveredAfterHang,
    int HangingResets = 0);

/// <summary>The Sidecar drill's verdict rules, pure so they can be tested without a network.</summary>
public static class SidecarJudge
{
    /// <summary>
    /// Passed when the baseline was served; while the upstream failed, the sidecar's retries stayed within the budget and
    /// its breaker stopped calling the upstream; while it hung, every caller was answered by its deadline, none by its own
    /// timeout; and after each fault, calls were answered again within the recovery window. Failed naming each that did not hold.
    /// </summary>
    public static DrillVerdict Judge(SidecarMeasurements measured, SidecarOptions options)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(options);
        var baselineErrorRate = measured.BaselineCalls == 0 ? 1 : (double)measured.BaselineFailures / measured.BaselineCalls;
        // Nothing sent measures nothing: a ratio of zero calls must not pass as "no amplification".
        var attemptsPerCall = measured.FailingCalls == 0 ? double.PositiveInfinity : (double)measured.UpstreamCallsWhileFailing / measured.FailingCalls;
        var maxAttempts = 1 + options.MaxRetryRatio;
        var recoverMs = options.RecoverWithin.TotalMilliseconds;
        var figures = new List<DrillFigure>
        {
            DrillFigure.AtMost("baseline error rate", baselineErrorRate * 100, "%", options.MaxBaselineErrorRate * 100),
            DrillFigure.AtMost("upstream attempts per call while it failed", attemptsPerCall, "attempts", maxAttempts),
            DrillFigure.AtMost($"upstream calls after {Seconds(options.OpenWithin)} s of errors", measured.UpstreamCallsAfterOpenWithin, "calls", options.MaxUpstreamCallsWhileOpen),
            DrillFigure.Info($"caller calls after {Seconds(options.OpenWithin)} s of errors", measured.CallsAfterOpenWithin, "calls"),
            DrillFigure.Info("p95 answer while the upstream failed (late part)", measured.LateAnswerP95.TotalMilliseconds, "ms"),
            DrillFigure.AtMost("calls answered after their deadline while the upstream hung", measured.HangingLate, "calls", 0),
            DrillFigure.AtMost("calls ended by the caller's own timeout", measured.HangingClientTimeouts, "calls", 0),
            DrillFigure.Info("504 answers while the upstream hung", measured.HangingGatewayTimeouts, "calls"),
            DrillFigure.Info("calls cut off in time without an answer while the upstream hung", measured.HangingResets, "calls"),
            DrillFigure.Info("slowest answer while the upstream hung", measured.HangingSlowest.TotalMilliseconds, "ms"),
            Recovery("answered again after the errors", measured.RecoveredAfterErrors, recoverMs),
            Recovery("answered again after the hang", measured.RecoveredAfterHang, recoverMs),
            DrillFigure.Info("calls while the upstream failed", measured.FailingCalls, "calls"),
            DrillFigure.Info("calls while the upstream hung", measured.HangingCalls, "calls"),
        };
        var failures = new List<string>();
        var findings = new List<string>();
        if (baselineErrorRate > options.MaxBaselineErrorRate)
        {
            failures.Add($"{measured.BaselineFailures} of {measured.BaselineCalls} calls failed before any fault ({baselineErrorRate:P1}): the path through the sidecar is not healthy to begin with.");
        }

        if (attemptsPerCall > maxAttempts)
        {
            failures.Add(measured.FailingCalls == 0
                ? "No calls were sent while the upstream failed: retry amplification was not measured."
                : $"While the upstream failed, {measured.UpstreamCallsWhileFailing} calls reached it for {measured.FailingCalls} caller calls ({attemptsPerCall:F2} each, over {maxAttempts:F2}): the sidecar's retries multiplied the load on a failing service.");
            findings.Add("Give the upstream's pipeline a retry budget (Bulwark:Resilience:Pipelines:{name}:RetryBudget naming Bulwark:Resilience:RetryBudgets:{name}), so retries stay a small share of calls whatever MaxRetryAttempts says (docs/sidecar.md).");
        }

        if (measured.UpstreamCallsAfterOpenWithin > options.MaxUpstreamCallsWhileOpen)
        {
            failures.Add($"{measured.UpstreamCallsAfterOpenWithin} calls still reached the failing upstream after {Seconds(options.OpenWithin)} s of errors (at most {options.MaxUpstreamCallsWhileOpen} allowed): no breaker opened to spare it.");
            findings.Add("Give the upstream's pipeline a circuit breaker (Bulwark:Resilience:Pipelines:{name}:CircuitBreaker naming Bulwark:Resilience:CircuitBreakers:{name}): refused at once, callers fall back and the upstream gets room to recover (docs/sidecar.md).");
        }

        if (measured.HangingLate > 0 || measured.HangingClientTimeouts > 0)
        {
            failures.Add($"While the upstream hung, {measured.HangingLate} of {measured.HangingCalls} calls were answered later than their {Seconds(options.CallerDeadline)} s deadline plus {Seconds(options.DeadlineGrace)} s, {measured.HangingClientTimeouts} only by the caller's own timeout (slowest {measured.HangingSlowest.TotalMilliseconds:F0} ms): the deadline was not carried.");
            findings.Add("Let the sidecar honour X-Deadline (UseBulwarkDeadlines before the proxy) and give the upstream's pipeline a Timeout, the earlier of the two answering 504.");
        }

        if (measured.HangingResets > 0)
        {
            // Ended in time, so the deadline held; but a caller gets a reset where a 504 problem would say why.
            findings.Add($"{measured.HangingResets} of {measured.HangingCalls} calls while the upstream hung were cut off without an answer within their deadline (a reset, not a 504): look for a response started before the deadline fired.");
        }

        AddRecoveryFailure(failures, "errors", measured.RecoveredAfterErrors, options);
        AddRecoveryFailure(failures, "hang", measured.RecoveredAfterHang, options);

        return DrillVerdict.FromChecks(
            string.Create(CultureInfo.InvariantCulture, $"While the upstream failed, {attemptsPerCall:F2} upstream attempts per call and {measured.UpstreamCallsAfterOpenWithin} calls after {Seconds(options.OpenWithin)} s (breaker open); while it hung, all {measured.HangingCalls} calls answered by their deadline ({measured.HangingGatewayTimeouts} × 504, slowest {measured.HangingSlowest.TotalMilliseconds:F0} ms); answered again {measured.RecoveredAfterErrors?.TotalSeconds:F1} s after the errors and {measured.RecoveredAfterHang?.TotalSeconds:F1} s after the hang."),
            failures,
            figures,
            findings);
    }

    private static DrillFigure Recovery(string name, TimeSpan? recovered, double withinMs) =>
        recovered is { } after
            ? DrillFigure.AtMost(name, after.TotalMilliseconds, "ms", withinMs)
            : new DrillFigure(name, -1, "ms", string.Create(CultureInfo.InvariantCulture, $"<= {withinMs:0} (-1: never)"), false);

    private static void AddRecoveryFailure(List<string> failures, string fault, TimeSpan? recovered, SidecarOptions options)
    {
        if (recovered is null || recovered > options.RecoverWithin)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"After the {fault} was lifted, calls were not answered by the upstream again within {options.RecoverWithin.TotalSeconds:F0} s ({options.RecoveredAfter} in a row): the sidecar kept refusing a healthy service."));
        }
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
