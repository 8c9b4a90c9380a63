using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Bulwark.Testing;

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
    public async Task SignUp_WithACorrelationId_EachSubscribersDeliveryIsAChildOfTheRequestsTrace()
    {
        await using var shop = await RunningShop.StartAsync();
        var correlationId = "needle-" + Guid.NewGuid().ToString("N")[..12];
        using var spans = new ConversationSpans(correlationId);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/users")
        {
            Content = JsonContent.Create(new { email = $"t-{Guid.NewGuid():N}@example.com", displayName = "Tracy", password = ShopCustomer.Password }),
        };
        request.Headers.Add("X-Api-Key", ShopCustomer.SetupKey);
        // No traceparent from here: this test process's own HttpClient instrumentation (the in-process shop's) would
        // replace it. The request's server span is found by the correlation id instead, and its trace id is the one to follow.
        request.Headers.Add("X-Correlation-Id", correlationId);
        using var response = await shop.Client.SendAsync(request, Ct);

        Assert.True(response.IsSuccessStatusCode, $"sign-up answered {(int)response.StatusCode}");
        Assert.Equal(correlationId, Assert.Single(response.Headers.GetValues("X-Correlation-Id")));
        var queues = new[] { "notifications", "rewards", "analytics" };
        var consumers = await Eventually.WaitAsync(
            () => Task.FromResult(spans.Of(ActivityKind.Consumer)),
            c => queues.All(q => c.Any(s => s.Queue == q)),
            $"a process span with correlation id {correlationId} on each of {string.Join(", ", queues)} (seen: {string.Join(", ", spans.Of(ActivityKind.Consumer).Select(s => s.Queue))})");
        var server = Assert.Single(spans.Of(ActivityKind.Server));
        var producer = Assert.Single(spans.Of(ActivityKind.Producer));
        Assert.Equal(server.TraceId, producer.TraceId);
        foreach (var queue in queues)
        {
            var consumer = consumers.First(s => s.Queue == queue);
            Assert.Equal(server.TraceId, consumer.TraceId);
            // A child of the publish span (which is itself in the request's trace), and linked to it as the conventions ask.
            Assert.Equal(producer.SpanId, consumer.ParentSpanId);
            Assert.Equal(producer.SpanId, consumer.LinkedSpanId);
            Assert.Equal(correlationId, consumer.CorrelationId);
            Assert.Equal("process", consumer.OperationType);
        }

        Assert.Equal(correlationId, producer.CorrelationId);
    }

    [Fact]
    public async Task Request_WithAMalformedCorrelationId_GetsANewOneDistinctFromItsTraceIdInHeaderAndProblem()
    {
        await using var shop = await RunningShop.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/no-such-resource");
        request.Headers.Add("X-Correlation-Id", "not a well-formed id!");

        using var response = await shop.Admin.SendAsync(request, Ct);

        var id = Assert.Single(response.Headers.GetValues("X-Correlation-Id"));
        Assert.Matches("^[0-9a-f]{32}$", id);
        using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(id, problem.RootElement.GetProperty("correlationId").GetString());
        Assert.NotEqual(id, problem.RootElement.GetProperty("traceId").GetString());
    }

    private sealed record Span(string TraceId, string SpanId, string ParentSpanId, string? LinkedSpanId, string Queue, string? CorrelationId, string? OperationType, ActivityKind Kind);

    /// <summary>The request's server span and the Bulwark.Messaging spans of one conversation (by correlation id), as they end.</summary>
    private sealed class ConversationSpans : IDisposable
    {
        private readonly ConcurrentQueue<Span> _spans = new();
        private readonly ActivityListener _listener;

        public ConversationSpans(string correlationId)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = s => s.Name is "Bulwark.Messaging" or "Microsoft.AspNetCore",
                Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
                ActivityStopped = a =>
                {
                    if (a.GetBaggageItem("bulwark.correlation_id") == correlationId)
                    {
                        _spans.Enqueue(new Span(
                            a.TraceId.ToHexString(),
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

        public List<Span> Of(ActivityKind kind) => [.. _spans.Where(s => s.Kind == kind)];

        public void Dispose() => _listener.Dispose();
    }
}
