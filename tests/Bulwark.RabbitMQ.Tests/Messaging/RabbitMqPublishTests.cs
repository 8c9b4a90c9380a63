using System.Collections.Concurrent;
using Bulwark.Messaging;
using Bulwark.Messaging.Contracts;
using Bulwark.Messaging.Serialization;
using Bulwark.Messaging.Subscriptions;
using Bulwark.RabbitMQ.Messaging;
using Bulwark.Testing;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Bulwark.RabbitMQ.Tests.Messaging;

/// <summary>
/// Publishes share a few confirm channels, many awaiting their confirms at once (issue 13, item 6): every caller gets
/// its own confirm, and a channel the broker closes is replaced instead of failing every later publish.
/// </summary>
public sealed class RabbitMqPublishTests : IAsyncDisposable
{
    private readonly string _prefix = "pub" + Guid.NewGuid().ToString("N")[..10];
    private readonly HashSet<string> _declared = [];
    private ServiceProvider? _node;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SendAsync_ManyParallelCallersRepeatedRounds_EveryMessageDeliveredOnce()
    {
        await RealServers.RequireAsync(RealServer.RabbitMq);
        var bus = Start();
        var received = new ConcurrentDictionary<int, int>();
        await bus.SubscribeAsync(SubscriptionDefinition.Create(_prefix + ".work", s => s.Handle<Ping>((m, _, _) =>
        {
            received.AddOrUpdate(m.Number, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        })), Ct);

        const int Rounds = 3, Callers = 32, PerCaller = 25;
        for (var round = 0; round < Rounds; round++)
        {
            var start = round * Callers * PerCaller;
            await Task.WhenAll(Enumerable.Range(0, Callers).Select(c => Task.Run(
                async () =>
                {
                    for (var i = 0; i < PerCaller; i++)
                    {
                        await bus.SendAsync(_prefix + ".work", new Ping(start + (c * PerCaller) + i), cancellationToken: Ct);
                    }
                },
                Ct)));
        }

        const int Total = Rounds * Callers * PerCaller;
        await Eventually.TrueAsync(() => received.Count == Total, $"all {Total} messages delivered", TimeSpan.FromSeconds(60));
        Assert.All(received, r => Assert.Equal(1, r.Value));
    }

    [Fact]
    public async Task PublishRawAsync_BrokerClosesAChannel_LaterPublishesGetAFreshOne()
    {
        await RealServers.RequireAsync(RealServer.RabbitMq);
        var bus = Start(publishChannels: 1);
        var received = new ConcurrentBag<int>();
        await bus.SubscribeAsync(SubscriptionDefinition.Create(_prefix + ".work", s => s.Handle<Ping>((m, _, _) =>
        {
            received.Add(m.Number);
            return Task.CompletedTask;
        })), Ct);
        await bus.SendAsync(_prefix + ".work", new Ping(1), cancellationToken: Ct);
        var transport = (RabbitMqMessageTransport)_node!.GetRequiredService<Bulwark.Messaging.Transport.IMessageTransport>();

        // A publish to an exchange that does not exist: the broker closes the (only) channel with 404.
        await Assert.ThrowsAnyAsync<Exception>(() => transport.PublishRawAsync(_prefix + ".missing", "x", mandatory: false, new BasicProperties(), "{}"u8.ToArray(), Ct));
        await bus.SendAsync(_prefix + ".work", new Ping(2), cancellationToken: Ct);
        await bus.SendAsync(_prefix + ".work", new Ping(3), cancellationToken: Ct);

        await Eventually.TrueAsync(() => received.Count == 3, "the messages before and after the closed channel");
    }

    public async ValueTask DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        if (_declared.Count == 0)
        {
            return;
        }

        await using var connection = await new ConnectionFactory { Uri = RealServers.RabbitMqUri }.CreateConnectionAsync();
        foreach (var name in _declared)
        {
            await using var channel = await connection.CreateChannelAsync();
            if (name.EndsWith(".topics", StringComparison.Ordinal))
            {
                await channel.ExchangeDeleteAsync(name);
            }
            else
            {
                await channel.QueueDeleteAsync(name, false, false);
            }
        }
    }

    private IMessageBus Start(int publishChannels = 2)
    {
        var services = new ServiceCollection();
        services.AddBulwarkMessaging(o => { o.Prefetch = 32; o.Concurrency = 4; })
            .AddMessageType<Ping>("publish.ping.v1")
            .UseRabbitMq(o =>
            {
                o.ConnectionUri = RealServers.RabbitMqUri;
                o.Exchange = _prefix + ".topics";
                o.DeadLetterQueue = _prefix + ".dlq";
                o.PublishChannels = publishChannels;
                o.TopologyObserver = name => { lock (_declared) { _declared.Add(name); } };
            });
        _node = services.BuildServiceProvider();
        return _node.GetRequiredService<IMessageBus>();
    }
}
