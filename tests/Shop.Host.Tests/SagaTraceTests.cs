using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.Externals.Hosting;
using Shop.Orders.Contracts;

namespace Shop.Host.Tests;

/// <summary>
/// Issue 15, item 4 (tracing to the end), the order saga: the customer's <c>POST /api/orders</c> answers 202 and the
/// saga runs later on the fulfilment loop. Its steps, the <c>OrderConfirmed</c> they write to the outbox and every
/// consumer of it must still sit in the customer's trace, and the saga's log lines must carry the customer's
/// correlation id: that is what lets the Needle drill follow one order from the client to the consumers.
/// </summary>
public sealed class SagaTraceTests
{
    private static readonly string[] Steps = ["record-order", "reserve-stock", "prepare-payment", "charge-payment", "arrange-shipping", "confirm-order"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PlaceOrder_WithTraceparentAndCorrelationId_SagaStepsConfirmationAndItsConsumersStayInTheTrace()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();
        var correlationId = "needle-saga-" + Guid.NewGuid().ToString("N")[..12];
        using var spans = new TraceSpans(traceId);
        var logs = new SagaLogLines();
        await using var provider = await OrdersTests.StartProviderAsync();
        await using var shop = await RunningShop.StartAsync(
            dataPath: null,
            services: s => s.AddSingleton<ILoggerProvider>(logs),
            [
                $"--Shop:Externals:PaymentProviderUrl={provider.BaseAddress()}",
                "--Bulwark:RateLimiting:Tiers:anonymous:PermitLimit=100000000",
                "--Bulwark:RateLimiting:Tiers:authenticated:PermitLimit=100000000",
                "--Logging:LogLevel:Bulwark.Sagas=Information",
                .. RunningShop.RoomyPaymentBudgets,
            ]);
        using var buyer = await shop.NewCustomerAsync();

        var orderId = await PlaceAsync(shop.Client.BaseAddress!, buyer.Token, $"00-{traceId}-{callerSpan}-01", correlationId);

        var consumers = await Eventually.WaitAsync(
            () => Task.FromResult(spans.Consumers(OrderConfirmed.Topic)),
            c => c.Any(s => s.Queue == "rewards") && c.Any(s => s.Queue == "notifications"),
            $"order {orderId}: rewards and notifications processing OrderConfirmed in trace {traceId} (seen: {spans})",
            seconds: 60);
        // The shop's request span is the caller's child (the payment provider stand-in's server spans are in the trace too).
        var server = Assert.Single(spans.All, s => s.Kind == ActivityKind.Server && s.ParentSpanId == callerSpan.ToHexString());
        var steps = spans.All.Where(s => s.Source == "Bulwark.Sagas").ToList();
        Assert.Equal(Steps, steps.Select(s => s.Step).Distinct());
        Assert.All(steps, s => Assert.Equal(correlationId, s.CorrelationId));
        // Parented on the request's own spans (stored at the start), never on a span of the fulfilment loop.
        var requestSpans = spans.All.Where(s => s.Source != "Bulwark.Sagas").Select(s => s.SpanId).Append(server.SpanId).ToHashSet();
        Assert.All(steps, s => Assert.Contains(s.ParentSpanId, requestSpans));
        var confirmStep = Assert.Single(steps, s => s.Step == "confirm-order");
        var publish = Assert.Single(spans.All, s => s.Kind == ActivityKind.Producer && s.Queue == OrderConfirmed.Topic);
        Assert.Equal(correlationId, publish.CorrelationId);
        foreach (var consumer in consumers.Where(s => s.Queue is "rewards" or "notifications"))
        {
            Assert.Equal(publish.SpanId, consumer.ParentSpanId);
            Assert.Equal(correlationId, consumer.CorrelationId);
        }

        Assert.NotEqual(confirmStep.SpanId, server.SpanId);
        var confirmed = await Eventually.WaitAsync(
            () => Task.FromResult(logs.Lines.Where(l => l.Message.Contains(orderId.ToString(), StringComparison.Ordinal)).ToList()),
            l => l.Count > 0,
            $"a Bulwark.Sagas log line for order {orderId}");
        Assert.All(confirmed, l => Assert.Equal(correlationId, l.CorrelationId));
    }

    private static async Task<Guid> PlaceAsync(Uri shop, string token, string traceparent, string correlationId)
    {
        // No propagator: the shop runs in this process, and its HttpClient instrumentation would otherwise replace the
        // caller's traceparent with one of its own client span's.
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = shop };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(OrdersTests.Order("tok_visa", "10115")) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        request.Headers.Add("traceparent", traceparent);
        request.Headers.Add("X-Correlation-Id", correlationId);
        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(correlationId, Assert.Single(response.Headers.GetValues("X-Correlation-Id")));
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    private sealed record Span(string Source, ActivityKind Kind, string SpanId, string ParentSpanId, string? Step, string Queue, string? CorrelationId);

    /// <summary>The spans of one trace, as they end (other tests' spans are ignored by trace id).</summary>
    private sealed class TraceSpans : IDisposable
    {
        private readonly ConcurrentQueue<Span> _spans = new();
        private readonly ActivityListener _listener;

        public TraceSpans(ActivityTraceId traceId)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = s => s.Name is "Bulwark.Sagas" or "Bulwark.Messaging" or "Microsoft.AspNetCore",
                Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
                ActivityStopped = a =>
                {
                    if (a.TraceId == traceId)
                    {
                        _spans.Enqueue(new Span(
                            a.Source.Name,
                            a.Kind,
                            a.SpanId.ToHexString(),
                            a.ParentSpanId.ToHexString(),
                            a.GetTagItem("bulwark.saga.step") as string,
                            a.GetTagItem("messaging.destination.name") as string ?? "",
                            a.GetBaggageItem("bulwark.correlation_id")));
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public List<Span> All => [.. _spans];

        public List<Span> Consumers(string topic)
        {
            var publishes = All.Where(s => s.Kind == ActivityKind.Producer && s.Queue == topic).Select(s => s.SpanId).ToHashSet();
            return [.. All.Where(s => s.Kind == ActivityKind.Consumer && publishes.Contains(s.ParentSpanId))];
        }

        public override string ToString() => string.Join(", ", All.Select(s => $"{s.Source}:{s.Kind}:{s.Step ?? s.Queue}"));

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>The saga orchestrator's log lines and the correlation id of the scopes they were written in.</summary>
    private sealed class SagaLogLines : ILoggerProvider, ISupportExternalScope
    {
        private readonly ConcurrentQueue<(string Message, string? CorrelationId)> _lines = new();
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public IReadOnlyList<(string Message, string? CorrelationId)> Lines => [.. _lines];

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName.StartsWith("Bulwark.Sagas", StringComparison.Ordinal));

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(SagaLogLines owner, bool enabled) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => owner._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => enabled;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!enabled)
                {
                    return;
                }

                string? correlation = null;
                owner._scopes.ForEachScope(
                    (scope, _) =>
                    {
                        if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                        {
                            correlation ??= pairs.FirstOrDefault(p => p.Key == "correlation_id").Value as string;
                        }
                    },
                    (object?)null);
                owner._lines.Enqueue((formatter(state, exception), correlation));
            }
        }
    }
}
