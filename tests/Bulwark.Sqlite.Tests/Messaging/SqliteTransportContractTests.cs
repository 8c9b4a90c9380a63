using System.Collections.Concurrent;
using Bulwark.Messaging;
using Bulwark.Messaging.Contracts;
using Bulwark.Messaging.Subscriptions;
using Bulwark.Sqlite.Messaging;
using Bulwark.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Sqlite.Tests.Messaging;

/// <summary>The embedded transport passes the transport contract suite.</summary>
public sealed class SqliteTransportContractTests : MessageTransportContract
{
    protected override Task RequireServerAsync() => Task.CompletedTask;

    protected override void UseTransport(IMessagingBuilder builder) =>
        builder.UseSqliteTransport(o =>
        {
            o.DatabasePath = Path.Combine(Folder, "messages.db");
            o.PollInterval = TimeSpan.FromMilliseconds(50);
        });

    [Fact]
    public async Task ConsumerCrashesWithoutReleasing_LeaseExpires_AndAnotherConsumerGetsTheMessage()
    {
        var crashed = CreateNode(b => b.UseSqliteTransport(o =>
        {
            o.DatabasePath = Path.Combine(Folder, "messages.db");
            o.VisibilityTimeout = TimeSpan.FromMilliseconds(500);
        }));
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hang = new TaskCompletionSource();

        // The handler never returns: like a process frozen or killed -9, it neither acks nor releases its lease.
        await crashed.GetRequiredService<IMessageBus>().SubscribeAsync(SubscriptionDefinition.Create(Name("jobs"), s => s.WithFlowControl(1, 1).Handle<Ping>(async (_, _, _) =>
        {
            started.TrySetResult();
            await hang.Task;
        })), Ct);
        var sent = await crashed.GetRequiredService<IMessageBus>().SendAsync(Name("jobs"), new Ping(1), cancellationToken: Ct);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        var other = CreateNode(b => b.UseSqliteTransport(o =>
        {
            o.DatabasePath = Path.Combine(Folder, "messages.db");
            o.PollInterval = TimeSpan.FromMilliseconds(50);
        }));
        var received = new ConcurrentQueue<MessageEnvelope>();
        await other.GetRequiredService<IMessageBus>().SubscribeAsync(SubscriptionDefinition.Create(Name("jobs"), s => s.Handle<Ping>((_, c, _) =>
        {
            received.Enqueue(c.Envelope);
            return Task.CompletedTask;
        })), Ct);

        try
        {
            await Eventually.TrueAsync(() => !received.IsEmpty, "the leased message to be redelivered after the visibility timeout");
            var redelivered = Assert.Single(received);
            Assert.Equal(sent.MessageId, redelivered.MessageId);
            Assert.Equal(2, redelivered.Attempt);
        }
        finally
        {
            hang.SetResult();
        }
    }
}
