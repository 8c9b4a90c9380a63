using Polly.Telemetry;

namespace Bulwark.Resilience.Diagnostics;

/// <summary>
/// Events Bulwark strategies report through Polly's telemetry, so Polly.Extensions / Microsoft.Extensions.Resilience
/// logging and the <c>resilience.polly.strategy.events</c> metric see them alongside Polly's own.
/// </summary>
public static class BulwarkResilienceEvents
{
    /// <summary>A breaker refused a call.</summary>
    public static readonly ResilienceEvent CircuitRejected = new(ResilienceEventSeverity.Warning, "OnBulwarkCircuitRejected");

    /// <summary>A full bulkhead compartment refused a call.</summary>
    public static readonly ResilienceEvent BulkheadRejected = new(ResilienceEventSeverity.Warning, "OnBulwarkBulkheadRejected");

    /// <summary>A retry is about to be made.</summary>
    public static readonly ResilienceEvent Retry = new(ResilienceEventSeverity.Warning, "OnBulwarkRetry");

    /// <summary>A retry was not made because the retry budget was spent.</summary>
    public static readonly ResilienceEvent RetryBudgetExhausted = new(ResilienceEventSeverity.Warning, "OnBulwarkRetryBudgetExhausted");
}
