using Bulwark.Messaging;
using Bulwark.Messaging.Contracts;
using Bulwark.Messaging.Serialization;
using Bulwark.Messaging.Subscriptions;
using Bulwark.RabbitMQ.Messaging;
using Bulwark.Testing;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Bulwark.RabbitMQ.Tests.Messaging;

/// <summary>What the transport declares on the broker: quorum queues, and TTL retry queues that route back.</summary>
public sealed class RabbitMqTopologyTests : IAsyncDisposable
{
    private readonly string _prefix = "topo" + Guid.NewGuid().ToString("N")[..10];
    private readonly HashSet<string> _declared = [];
    private ServiceProvider? _node;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Queues_AreQuorum_AndARetryWaitsInATtlQueueThatDeadLettersBack()
    {
        await RealServers.RequireAsync(RealServer.RabbitMq);
        var services = new ServiceCollection();
        services.AddBulwarkMessaging(o =>
            {
                o.Retry.MaxAttempts = 2;
                o.Retry.InitialDelay = TimeSpan.FromMilliseconds(400);
                o.Retry.MaxDelay = TimeSpan.FromMilliseconds(400);
            })
            .AddMessageType<Ping>("topology.ping.v1")
            .UseRabbitMq(o =>
            {
                o.ConnectionUri = RealServers.RabbitMqUri;
                o.Exchange = _prefix + ".topics";
                o.DeadLetterQueue = _prefix + ".dlq";
                o.TopologyObserver = name => { lock (_declared) { _declared.Add(name); } };
            });
        services.AddSingleton<Bulwark.Messaging.Retries.IJitterSource>(new FixedJitter());
        _node = services.BuildServiceProvider();
        var bus = _node.GetRequiredService<IMessageBus>();
        var attempts = 0;
        await bus.SubscribeAsync(SubscriptionDefinition.Create(_prefix + ".work", s => s.Handle<Ping>((_, c, _) =>
        {
            Interlocked.Increment(ref attempts);
            return c.Envelope.Attempt == 1 ? throw new TimeoutException("first try fails") : Task.CompletedTask;
        })), Ct);

        await bus.SendAsync(_prefix + ".work", new Ping(1), cancellationToken: Ct);
        await Eventually.TrueAsync(() => Volatile.Read(ref attempts) == 2, "the retried delivery");

        await using var connection = await new ConnectionFactory { Uri = RealServers.RabbitMqUri }.CreateConnectionAsync(Ct);

        // Equal-jitter backoff with jitter 0 waits exactly half of 400 ms: the retry queue is named by its TTL.
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: Ct))
        {
            await channel.QueueDeclarePassiveAsync(_prefix + ".work.retry.200", Ct);
        }

        // Redeclaring as a classic queue is refused: the broker holds a quorum queue.
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: Ct))
        {
            var refused = await Assert.ThrowsAsync<OperationInterruptedException>(() => channel.QueueDeclareAsync(
                _prefix + ".work", durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-queue-type"] = "classic" }, cancellationToken: Ct));
            Assert.Contains("PRECONDITION_FAILED", refused.Message, StringComparison.Ordinal);
        }
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

    private sealed class FixedJitter : Bulwark.Messaging.Retries.IJitterSource
    {
        public double NextDouble() => 0;
    }
}
