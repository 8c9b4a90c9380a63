using Polly.Telemetry;

namespace Bulwark.Resilience.Diagnostics;

/// <summary>
/// Events Bulwark strategies report through Polly's telemetry, so Polly.Extensions / Microsoft.Extensions.Resilience
/// logging and the <c>resilience.polly.strategy.events</c> metric see them alongside Polly's own.
/// </summary>
/// <remarks>
/// Per-call events are <see cref="ResilienceEventSeverity.Debug"/> or <see cref="ResilienceEventSeverity.Information"/>:
/// Polly.Extensions logs every event at its severity, and refusals arrive by the thousand exactly when an operator
/// reads the logs. The metric counts them at any severity; state changes are logged by the breaker itself.
/// </remarks>
public static class BulwarkResilienceEvents
{
    /// <summary>A breaker refused a call.</summary>
    public static readonly ResilienceEvent CircuitRejected = new(ResilienceEventSeverity.Debug, "OnBulwarkCircuitRejected");

    /// <summary>A full bulkhead compartment refused a call.</summary>
    public static readonly ResilienceEvent BulkheadRejected = new(ResilienceEventSeverity.Debug, "OnBulwarkBulkheadRejected");

    /// <summary>A retry is about to be made.</summary>
    public static readonly ResilienceEvent Retry = new(ResilienceEventSeverity.Information, "OnBulwarkRetry");

    /// <summary>A retry was not made because the retry budget was spent.</summary>
    public static readonly ResilienceEvent RetryBudgetExhausted = new(ResilienceEventSeverity.Warning, "OnBulwarkRetryBudgetExhausted");

    /// <summary>A retry was not made because the ambient deadline cannot hold its delay plus another attempt.</summary>
    public static readonly ResilienceEvent RetryNoTimeLeft = new(ResilienceEventSeverity.Information, "OnBulwarkRetryNoTimeLeft");

    /// <summary>A retry was not made because the dependency asked to wait longer than the retry's cap.</summary>
    public static readonly ResilienceEvent RetryAfterBeyondCap = new(ResilienceEventSeverity.Information, "OnBulwarkRetryAfterBeyondCap");
}
