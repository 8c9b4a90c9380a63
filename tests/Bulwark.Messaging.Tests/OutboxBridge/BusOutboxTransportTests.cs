using System.Text;
using Bulwark.Messaging.Transport;
using Bulwark.Outbox;
using Bulwark.Outbox.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Messaging.Tests.OutboxBridge;

/// <summary>
/// The outbox → bus bridge (Bulwark.Outbox.Messaging, issue 11): an outbox row becomes an envelope with its typed
/// headers as envelope fields, published through the real bus to the row's topic.
/// </summary>
public sealed class BusOutboxTransportTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Written = new(2026, 12, 6, 4, 0, 0, TimeSpan.Zero);
    private readonly ManualTransport _transport = new();
    private readonly ServiceProvider _provider;

    public BusOutboxTransportTests()
    {
        var services = new ServiceCollection();
        services.AddBulwarkMessaging();
        services.AddSingleton<IMessageTransport>(_transport);
        _provider = services.BuildServiceProvider();
    }

    [Fact]
    public async Task PublishAsync_TypedHeaders_ArriveAsEnvelopeFieldsOnTheRowsTopic()
    {
        var deadline = Written.AddMinutes(5);
        var typed = new OutboxEnvelopeHeaders
        {
            MessageType = "order-placed.v2",
            CorrelationId = "conv-1",
            CausationId = "cmd-9",
            TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            TraceState = "vendor=1",
            Deadline = deadline,
        };
        var row = Row(typed.ToHeaders(new Dictionary<string, string> { ["order-id"] = "42" }));
        var bridge = new BusOutboxTransport(_provider.GetRequiredService<IMessagePublisher>());

        await bridge.PublishAsync(row, TestContext.Current.CancellationToken);

        var (destination, envelope) = Assert.Single(_transport.Sent);
        Assert.Equal("topic:orders", destination);
        Assert.Equal(row.MessageId.ToString(), envelope.MessageId);
        Assert.Equal("order-placed.v2", envelope.MessageType);
        Assert.Equal("conv-1", envelope.CorrelationId);
        Assert.Equal("cmd-9", envelope.CausationId);
        Assert.Equal(typed.TraceParent, envelope.TraceParent);
        Assert.Equal("vendor=1", envelope.TraceState);
        Assert.Equal(deadline, envelope.Deadline);
        Assert.Equal(Written, envelope.Timestamp);
        Assert.Equal("{\"id\":42}", Encoding.UTF8.GetString(envelope.Body.Span));
        // The typed headers travel once, as fields; application headers pass through.
        Assert.Equal(new Dictionary<string, string> { ["order-id"] = "42" }, envelope.Headers);
    }

    [Fact]
    public void ToEnvelope_NoHeaders_UsesTheTopicAsTheWireType()
    {
        var envelope = BusOutboxTransport.ToEnvelope(Row(new Dictionary<string, string>()));

        Assert.Equal("orders", envelope.MessageType);
        Assert.Null(envelope.CorrelationId);
        Assert.Null(envelope.Deadline);
        Assert.Empty(envelope.Headers);
    }

    [Fact]
    public void ToEnvelope_UnparsableDeadline_StaysAPlainHeaderInsteadOfBlockingTheRow()
    {
        var envelope = BusOutboxTransport.ToEnvelope(Row(new Dictionary<string, string> { [OutboxEnvelopeHeaders.Names.Deadline] = "soon" }));

        Assert.Null(envelope.Deadline);
        Assert.Equal("soon", envelope.Headers[OutboxEnvelopeHeaders.Names.Deadline]);
    }

    [Fact]
    public void Read_WhatToHeadersWrote_RoundTrips()
    {
        var typed = new OutboxEnvelopeHeaders { CorrelationId = "c", Deadline = Written.ToOffset(TimeSpan.FromHours(2)) };

        Assert.Equal(typed, OutboxEnvelopeHeaders.Read(typed.ToHeaders()));
    }

    [Fact]
    public async Task WithMessageBus_ReplacesTheInProcessTransport()
    {
        var services = new ServiceCollection();
        services.AddBulwarkMessaging();
        services.AddSingleton<IMessageTransport>(_transport);
        services.AddBulwarkOutbox().WithMessageBus();
        await using var provider = services.BuildServiceProvider();

        Assert.IsType<BusOutboxTransport>(provider.GetRequiredService<IOutboxTransport>());
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();

    private static OutboxMessage Row(IReadOnlyDictionary<string, string> headers) => new()
    {
        MessageId = Guid.CreateVersion7(Written),
        Topic = "orders",
        PartitionKey = "42",
        ContentType = "application/json",
        Payload = Encoding.UTF8.GetBytes("{\"id\":42}"),
        Headers = headers,
        CreatedAt = Written,
    };
}
