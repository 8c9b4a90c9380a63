using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.CircuitBreaker;

namespace Bulwark.Resilience.Diagnostics;

/// <summary>
/// The instruments of one <c>Bulwark.Resilience</c> meter: one set per <see cref="IMeterFactory"/> (each host's
/// container has its own, disposed with it), and one on <see cref="ResilienceMeter"/>'s process meter for components
/// built by hand without a factory. Gauges observe only the breakers and compartments made with the same factory.
/// </summary>
internal sealed class ResilienceInstruments
{
    private static readonly ConditionalWeakTable<IMeterFactory, ResilienceInstruments> PerFactory = [];
    private static readonly Lazy<ResilienceInstruments> Standalone = new(() => new ResilienceInstruments(ResilienceMeter.Meter));

    private readonly ConditionalWeakTable<BulwarkCircuitBreaker, object?> _breakers = [];
    private readonly ConditionalWeakTable<BulkheadCompartment, object?> _compartments = [];

    private ResilienceInstruments(Meter meter)
    {
        BreakerRejections = meter.CreateCounter<long>("bulwark.circuit_breaker.rejections", "{call}", "Calls refused by an open, half-open or isolated breaker.");
        BreakerTransitions = meter.CreateCounter<long>("bulwark.circuit_breaker.transitions", "{transition}", "State changes of circuit breakers.");
        meter.CreateObservableGauge("bulwark.circuit_breaker.state", ObserveBreakers, "{state}", "0 closed, 1 open, 2 half-open, 3 isolated.");
        BulkheadRejections = meter.CreateCounter<long>("bulwark.bulkhead.rejections", "{call}", "Calls refused by a full bulkhead compartment.");
        BulkheadAdmissions = meter.CreateCounter<long>("bulwark.bulkhead.admissions", "{call}", "Calls let into a bulkhead compartment, at once or after queueing (bulwark.bulkhead.queued).");
        meter.CreateObservableUpDownCounter("bulwark.bulkhead.shedding", () => ObserveCompartments(static c => c.IsShedding ? 1 : 0), "{state}", "1 while a compartment is refusing calls, else 0.");
        meter.CreateObservableUpDownCounter("bulwark.bulkhead.in_use", () => ObserveCompartments(static c => c.InUseCount), "{call}", "Calls running in a compartment.");
        meter.CreateObservableUpDownCounter("bulwark.bulkhead.queued", () => ObserveCompartments(static c => c.QueuedCount), "{call}", "Calls waiting for a compartment slot.");
        RetryBudgetExhausted = meter.CreateCounter<long>("bulwark.retry.budget_exhausted", "{retry}", "Retries not made because the retry budget was spent.");
        DegradedParts = meter.CreateCounter<long>("bulwark.degradation.degraded_parts", "{part}", "Optional parts left out of (or served stale in) a composed response.");
    }

    public Counter<long> BreakerRejections { get; }

    public Counter<long> BreakerTransitions { get; }

    public Counter<long> BulkheadRejections { get; }

    public Counter<long> BulkheadAdmissions { get; }

    public Counter<long> RetryBudgetExhausted { get; }

    public Counter<long> DegradedParts { get; }

    /// <summary>The instruments on <paramref name="meterFactory"/>'s meter, or on the process meter without one.</summary>
    public static ResilienceInstruments For(IMeterFactory? meterFactory) =>
        meterFactory is null
            ? Standalone.Value
            : PerFactory.GetValue(meterFactory, static f => new ResilienceInstruments(f.Create(ResilienceMeter.Name, "1.0")));

    public void Track(BulwarkCircuitBreaker breaker) => _breakers.AddOrUpdate(breaker, null);

    public void Track(BulkheadCompartment compartment) => _compartments.AddOrUpdate(compartment, null);

    public void Forget(BulkheadCompartment compartment) => _compartments.Remove(compartment);

    private IEnumerable<Measurement<int>> ObserveBreakers()
    {
        foreach (var (breaker, _) in _breakers)
        {
            yield return new Measurement<int>((int)breaker.State, new KeyValuePair<string, object?>("bulwark.breaker", breaker.Name));
        }
    }

    private IEnumerable<Measurement<long>> ObserveCompartments(Func<BulkheadCompartment, long> read)
    {
        foreach (var (compartment, _) in _compartments)
        {
            yield return new Measurement<long>(read(compartment), new KeyValuePair<string, object?>("bulwark.bulkhead", compartment.Name));
        }
    }
}
