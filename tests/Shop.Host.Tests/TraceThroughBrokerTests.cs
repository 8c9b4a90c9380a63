using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;

namespace Shop.Host.Tests;

/// <summary>
/// Issue 15, item 4 (tracing to the end): a request's trace continues through the outbox and the broker into every
/// consumer, and its correlation id travels with it. The sign-up writes <c>UserRegistered</c> to the outbox in the
/// request; the relay publishes it later on its own loop, so only a context captured at the write can reach the consumers.
/// </summary>
public sealed class TraceThroughBrokerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignUp_WithTraceparentAndCorrelationId_EachSubscribersDeliveryIsAChildOfTheRequestsTrace()
    {
        await using var shop = await RunningShop.StartAsync();
        var traceId = ActivityTraceId.CreateRandom();
        var correlationId = "needle-" + Guid.NewGuid().ToString("N")[..12];
        using var spans = new MessagingSpans(traceId);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/users")
        {
            Content = JsonContent.Create(new { email = $"t-{Guid.NewGuid():N}@example.com", displayName = "Tracy", password = ShopCustomer.Password }),
        };
        request.Headers.Add("X-Api-Key", ShopCustomer.SetupKey);
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        request.Headers.Add("X-Correlation-Id", correlationId);
        using var response = await shop.Client.SendAsync(request, Ct);

        Assert.True(response.IsSuccessStatusCode, $"sign-up answered {(int)response.StatusCode}");
        Assert.Equal(correlationId, Assert.Single(response.Headers.GetValues("X-Correlation-Id")));
        var queues = new[] { "notifications", "rewards", "analytics" };
        var consumers = await Eventually.WaitAsync(
            () => Task.FromResult(spans.Consumers()),
            c => queues.All(q => c.Any(s => s.Queue == q)),
            $"a process span of trace {traceId} on each of {string.Join(", ", queues)} (seen: {string.Join(", ", spans.Consumers().Select(s => s.Queue))})");
        var producer = Assert.Single(spans.Producers());
        foreach (var queue in queues)
        {
            var consumer = consumers.First(s => s.Queue == queue);
            // A child of the publish span (which is itself in the request's trace), and linked to it as the conventions ask.
            Assert.Equal(producer.SpanId, consumer.ParentSpanId);
            Assert.Equal(producer.SpanId, consumer.LinkedSpanId);
            Assert.Equal(correlationId, consumer.CorrelationId);
            Assert.Equal("process", consumer.OperationType);
        }

        Assert.Equal(correlationId, producer.CorrelationId);
    }

    [Fact]
    public async Task Request_WithoutACorrelationId_GetsANewOneDistinctFromItsTraceId()
    {
        await using var shop = await RunningShop.StartAsync();
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/products/1");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        request.Headers.Add("X-Correlation-Id", "not a well-formed id\u00e9");

        using var response = await shop.Client.SendAsync(request, Ct);

        var id = Assert.Single(response.Headers.GetValues("X-Correlation-Id"));
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.NotEqual(traceId, id);
    }

    private sealed record Span(string SpanId, string ParentSpanId, string? LinkedSpanId, string Queue, string? CorrelationId, string? OperationType, ActivityKind Kind);

    /// <summary>The Bulwark.Messaging spans of one trace, as they end.</summary>
    private sealed class MessagingSpans : IDisposable
    {
        private readonly ConcurrentQueue<Span> _spans = new();
        private readonly ActivityListener _listener;

        public MessagingSpans(ActivityTraceId traceId)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = s => s.Name == "Bulwark.Messaging",
                Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
                ActivityStopped = a =>
                {
                    if (a.TraceId == traceId)
                    {
                        _spans.Enqueue(new Span(
                            a.SpanId.ToHexString(),
                            a.ParentSpanId.ToHexString(),
                            a.Links.Select(l => l.Context.SpanId.ToHexString()).FirstOrDefault(),
                            a.GetTagItem("messaging.destination.name") as string ?? "",
                            a.GetBaggageItem("bulwark.correlation_id"),
                            a.GetTagItem("messaging.operation.type") as string,
                            a.Kind));
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public List<Span> Consumers() => [.. _spans.Where(s => s.Kind == ActivityKind.Consumer)];

        public List<Span> Producers() => [.. _spans.Where(s => s.Kind == ActivityKind.Producer)];

        public void Dispose() => _listener.Dispose();
    }
}
