using System.Collections.Concurrent;
using System.Diagnostics;
using Bulwark.Sagas;
using Microsoft.Extensions.Logging;

namespace Bulwark.Consistency.Contracts.Sagas;

/// <summary>
/// Issue 15, item 4 (tracing to the end): a saga started inside a request keeps the request's W3C context and
/// correlation id in the store, and its steps, run later by a loop that belongs to no request, continue that trace.
/// </summary>
public abstract partial class SagaContract
{
    private const string CorrelationBaggage = "bulwark.correlation_id";

    [Fact]
    public async Task Begin_InsideASpanWithACorrelationId_StoreKeepsItsContextAcrossARestart()
    {
        var saga = await CreateOrchestratorAsync(new FakeShop());
        var id = Guid.NewGuid();
        string traceParent;
        using (var request = StartRequest("needle-round-trip", "vendor=one"))
        {
            traceParent = request.Id!;
            Assert.True(await saga.BeginAsync(id, new OrderData { OrderId = "o-1" }, Ct));
        }

        // A new store over the same database: what a restarted process reads back.
        var state = await (await CreateStoreAsync(Ct)).GetAsync(id, Ct);

        Assert.NotNull(state);
        Assert.Equal(traceParent, state.TraceParent);
        Assert.Equal("vendor=one", state.TraceState);
        Assert.Equal("needle-round-trip", state.CorrelationId);
    }

    [Fact]
    public async Task Begin_OutsideAnySpan_StoresNoContext()
    {
        var saga = await CreateOrchestratorAsync(new FakeShop());
        var id = Guid.NewGuid();
        Activity.Current = null;

        await saga.BeginAsync(id, new OrderData { OrderId = "o-1" }, Ct);

        var state = await (await CreateStoreAsync(Ct)).GetAsync(id, Ct);
        Assert.NotNull(state);
        Assert.Null(state.TraceParent);
        Assert.Null(state.TraceState);
        Assert.Null(state.CorrelationId);
    }

    [Fact]
    public async Task Run_LaterOutsideTheRequest_EveryStepIsAChildOfTheStartersSpanWithItsCorrelationId()
    {
        using var spans = new SagaSpans();
        var logger = new ScopeRecordingLogger();
        var shop = new FakeShop();
        var saga = CreateOrchestrator(shop, await CreateStoreAsync(Ct), logger: logger);
        var id = Guid.NewGuid();
        ActivityTraceId traceId;
        ActivitySpanId requestSpan;
        using (var request = StartRequest("needle-steps", tracestate: null))
        {
            traceId = request.TraceId;
            requestSpan = request.SpanId;
            await saga.BeginAsync(id, new OrderData { OrderId = "o-1" }, Ct);
        }

        // The run happens on a loop of its own, outside the request (the shop's fulfilment runner).
        Activity.Current = null;
        var state = await saga.RunAsync(id, Ct);

        Assert.Equal(SagaStatus.Confirmed, state.Status);
        var steps = spans.Of(traceId);
        Assert.Equal(["reserve", "charge", "ship"], steps.Select(s => s.GetTagItem("bulwark.saga.step")));
        Assert.All(steps, s =>
        {
            Assert.Equal(requestSpan, s.ParentSpanId);
            Assert.Equal("needle-steps", s.GetBaggageItem(CorrelationBaggage));
            Assert.Empty(s.Links);
        });
        var confirmed = Assert.Single(logger.Lines, l => l.Message.Contains("confirmed", StringComparison.Ordinal));
        Assert.Equal("needle-steps", confirmed.CorrelationId);
    }

    [Fact]
    public async Task Run_TriggeredFromAnotherTrace_StepsStayInTheStartersTraceAndLinkTheTrigger()
    {
        using var spans = new SagaSpans();
        var saga = await CreateOrchestratorAsync(new FakeShop());
        var id = Guid.NewGuid();
        ActivityTraceId traceId;
        using (var request = StartRequest("needle-linked", tracestate: null))
        {
            traceId = request.TraceId;
            await saga.BeginAsync(id, new OrderData { OrderId = "o-1" }, Ct);
        }

        Activity.Current = null;
        using (var trigger = new Activity("consumer").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            await saga.RunAsync(id, Ct);
            var steps = spans.Of(traceId);
            Assert.Equal(3, steps.Count);
            Assert.All(steps, s => Assert.Equal(trigger.Context.SpanId, Assert.Single(s.Links).Context.SpanId));
            Assert.Empty(spans.Of(trigger.TraceId));
        }
    }

    private static Activity StartRequest(string correlationId, string? tracestate)
    {
        Activity.Current = null;
        var request = new Activity("POST /api/orders").SetIdFormat(ActivityIdFormat.W3C);
        request.TraceStateString = tracestate;
        request.SetBaggage(CorrelationBaggage, correlationId);
        return request.Start();
    }

    private SagaOrchestrator<OrderData> CreateOrchestrator(FakeShop shop, ISagaStore store, ILogger<SagaOrchestrator<OrderData>> logger) =>
        new(
            new SagaDefinition<OrderData>($"order-fulfilment-{GetType().Name}")
                .Step("reserve", (d, _) => shop.ReserveAsync(d.OrderId), (d, _) => shop.ReleaseAsync(d.OrderId), FastRetry)
                .Step("charge", async (d, _) => d.PaymentId = await shop.ChargeAsync(d.OrderId), (d, _) => shop.RefundAsync(d.PaymentId!), FastRetry)
                .Step("ship", (d, c) => shop.ShipAsync(d.OrderId, c.CancellationToken), options: FastRetry),
            store,
            Time,
            logger);

    /// <summary>Every <c>Bulwark.Sagas</c> span, as it ends; tests pick theirs by trace id (other tests run beside them).</summary>
    private sealed class SagaSpans : IDisposable
    {
        private readonly ConcurrentQueue<Activity> _spans = new();
        private readonly ActivityListener _listener;

        public SagaSpans()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = s => s.Name == SagaTracing.ActivitySourceName,
                Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
                ActivityStopped = _spans.Enqueue,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public List<Activity> Of(ActivityTraceId traceId) => [.. _spans.Where(s => s.TraceId == traceId)];

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>The orchestrator's log lines with the correlation id of the scopes they were written in.</summary>
    private sealed class ScopeRecordingLogger : ILogger<SagaOrchestrator<OrderData>>
    {
        private readonly LoggerExternalScopeProvider _scopes = new();
        private readonly ConcurrentQueue<(string Message, string? CorrelationId)> _lines = new();

        public IReadOnlyList<(string Message, string? CorrelationId)> Lines => [.. _lines];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => _scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string? correlation = null;
            _scopes.ForEachScope(
                (scope, _) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        correlation ??= pairs.FirstOrDefault(p => p.Key == SagaTracing.CorrelationScopeKey).Value as string;
                    }
                },
                (object?)null);
            _lines.Enqueue((formatter(state, exception), correlation));
        }
    }
}
