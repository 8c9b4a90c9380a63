using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Bulwark.Messaging.ClaimCheck;
using Bulwark.Messaging.DeadLetters;
using Bulwark.Messaging.Diagnostics;
using Bulwark.Messaging.Serialization;
using Bulwark.Messaging.Subscriptions;
using Bulwark.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Messaging.Contracts;

/// <summary>
/// The transport contract: every transport adapter subclasses this and passes every test. Each test fails when
/// the pattern it names (DLQ, pub/sub, claim check, durability) is broken in the transport or the bus.
/// </summary>
public abstract class MessageTransportContract : IAsyncLifetime
{
    private readonly List<ServiceProvider> _providers = [];

    /// <summary>A unique prefix for every queue, topic and exchange this test class instance creates.</summary>
    protected string Prefix { get; } = "c" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The folder for files (embedded databases, blobs) of this test instance.</summary>
    protected string Folder { get; } = Path.Combine(Path.GetTempPath(), "bulwark-contract-" + Guid.NewGuid().ToString("N"));

    /// <summary>The test's cancellation token.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Skips or fails when the transport's server is missing.</summary>
    protected abstract Task RequireServerAsync();

    /// <summary>Selects and configures the transport under test (same durable state for every provider of one test).</summary>
    protected abstract void UseTransport(IMessagingBuilder builder);

    /// <summary>Deletes what the test created on a server.</summary>
    protected virtual Task CleanupAsync() => Task.CompletedTask;

    /// <summary>Selects the blob store of claim-check tests; the file-system store by default.</summary>
    protected virtual void UseBlobStore(IMessagingBuilder builder) => builder.UseFileSystemBlobStore(Path.Combine(Folder, "blobs"));

    /// <summary>A name unique to this test instance.</summary>
    protected string Name(string name) => Prefix + "." + name;

    /// <inheritdoc/>
    public async ValueTask InitializeAsync()
    {
        await RequireServerAsync();
        Directory.CreateDirectory(Folder);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await CleanupAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Builds one "process": a service provider with the bus on the transport under test.</summary>
    protected ServiceProvider CreateNode(Action<IMessagingBuilder>? configure = null, int maxAttempts = 3)
    {
        var services = new ServiceCollection();
        var builder = services.AddBulwarkMessaging(o =>
        {
            o.Retry.MaxAttempts = maxAttempts;
            o.Retry.InitialDelay = TimeSpan.FromMilliseconds(20);
            o.Retry.MaxDelay = TimeSpan.FromMilliseconds(100);
            o.DeadLetterDepthRefreshInterval = TimeSpan.FromSeconds(1);
        });
        builder.AddMessageType<Ping>("contract.ping.v1", Name("pings"));
        builder.AddMessageType<OrderPlaced>("contract.order-placed.v1", Name("orders"));
        UseTransport(builder);
        configure?.Invoke(builder);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }

    private static IMessageBus Bus(IServiceProvider node) => node.GetRequiredService<IMessageBus>();

    private static IDeadLetterAdmin Dlq(IServiceProvider node) => node.GetRequiredService<IDeadLetterAdmin>();

    [Fact]
    public async Task SendAsync_ToQueue_DeliversOnceWithEnvelopeMetadata()
    {
        var node = CreateNode();
        var received = new ConcurrentBag<(Ping Message, MessageEnvelope Envelope)>();
        await Bus(node).SubscribeAsync(SubscriptionDefinition.Create(Name("work"), s => s.Handle<Ping>((m, c, _) =>
        {
            received.Add((m, c.Envelope));
            return Task.CompletedTask;
        })), Ct);

        using var activity = new Activity("test-producer").SetIdFormat(ActivityIdFormat.W3C).Start();
        var deadline = TimeProvider.System.GetUtcNow().AddMinutes(5);
        var sent = await Bus(node).SendAsync(Name("work"), new Ping(7, "hello"), new MessageOptions
        {
            CorrelationId = "corr-1",
            CausationId = "cause-1",
            Deadline = deadline,
            Headers = new Dictionary<string, string> { ["tenant"] = "acme" },
        }, Ct);

        await Eventually.TrueAsync(() => !received.IsEmpty, "the message to arrive");
        var (message, envelope) = Assert.Single(received);
        Assert.Equal(new Ping(7, "hello"), message);
        Assert.Equal(sent.MessageId, envelope.MessageId);
        Assert.Equal("contract.ping.v1", envelope.MessageType);
        Assert.Equal("corr-1", envelope.CorrelationId);
        Assert.Equal("cause-1", envelope.CausationId);
        // The sender's trace, continued: the parent is the sender's span, or the bus's publish span under it when listened to.
        Assert.Equal(activity.TraceId.ToHexString(), envelope.TraceParent!.Split('-')[1]);
        Assert.Equal(deadline.ToUnixTimeMilliseconds(), envelope.Deadline!.Value.ToUnixTimeMilliseconds());
        Assert.Equal(sent.Timestamp.ToUnixTimeMilliseconds(), envelope.Timestamp.ToUnixTimeMilliseconds());
        Assert.Equal(1, envelope.Attempt);
        Assert.Equal("acme", envelope.Headers["tenant"]);
    }

    [Fact]
    public async Task PublishAsync_ToTopic_FansOutACopyToEverySubscription()
    {
        var node = CreateNode();
        var email = new ConcurrentBag<string>();
        var rewards = new ConcurrentBag<string>();
        await Bus(node).SubscribeAsync(SubscriptionDefinition.Create(Name("email"), s => s.FromTopic(Name("orders")).Handle<OrderPlaced>((m, _, _) => Add(email, m.OrderId))), Ct);
        await Bus(node).SubscribeAsync(SubscriptionDefinition.Create(Name("rewards"), s => s.FromTopic(Name("orders")).Handle<OrderPlaced>((m, _, _) => Add(rewards, m.OrderId))), Ct);

        for (var i = 0; i < 20; i++)
        {
            await Bus(node).PublishAsync(new OrderPlaced("o" + i, 1m), cancellationToken: Ct);
        }

        await Eventually.TrueAsync(() => email.Count >= 20 && rewards.Count >= 20, "both subscriptions to get all 20");
        Assert.Equal(20, email.Distinct().Count());
        Assert.Equal(20, rewards.Distinct().Count());
    }

    [Fact]
    public async Task SubscribeAsync_SameSubscriptionOnTwoNodes_ConsumersCompeteAndEachMessageIsHandledOnce()
    {
        var first = CreateNode();
        var second = CreateNode();
        var byNode = new ConcurrentDictionary<int, ConcurrentBag<int>>();
        var handledTimes = new ConcurrentDictionary<int, int>();
        foreach (var (node, index) in new[] { (first, 1), (second, 2) })
        {
            await Bus(node).SubscribeAsync(SubscriptionDefinition.Create(Name("analytics"), s => s
                .FromTopic(Name("pings"))
                .WithFlowControl(prefetch: 1, concurrency: 1)
                .Handle<Ping>(async (m, _, ct) =>
                {
                    byNode.GetOrAdd(index, _ => []).Add(m.Number);
                    handledTimes.AddOrUpdate(m.Number, 1, (_, n) => n + 1);
                    await Task.Delay(2, ct);
                })), Ct);
        }

        for (var i = 0; i < 100; i++)
        {
            await Bus(first).PublishAsync(new Ping(i), cancellationToken: Ct);
        }

        await Eventually.TrueAsync(() => handledTimes.Count == 100, "all 100 messages to be handled");
        Assert.All(handledTimes.Values, n => Assert.Equal(1, n));
        Assert.True(byNode.TryGetValue(1, out var a) && !a.IsEmpty, "node 1 handled none: the consumers do not compete");
        Assert.True(byNode.TryGetValue(2, out var b) && !b.IsEmpty, "node 2 handled none: the consumers do not compete");
    }

    [Fact]
    public async Task AddSubscription_NewSubscriber_ReceivesEventsWithNoPublisherChange()
    {
        var node = CreateNode();
        var checkout = new CheckoutService(Bus(node));
        var email = new ConcurrentBag<string>();
        await Bus(node).SubscribeAsync(SubscriptionDefinition.Create(Name("email"), s => s.FromTopic(Name("orders")).Handle<OrderPlaced>((m, _, _) => Add(email, m.OrderId))), Ct);
        await checkout.PlaceAsync("before", Ct);
        await Eventually.TrueAsync(() => email.Contains("before"), "the first subscriber to get the order");

        // A new team subscribes; the same CheckoutService instance, untouched, now reaches it too.
        var analytics = new ConcurrentBag<string>();
        await Bus(node).SubscribeAsync(SubscriptionDefinition.Create(Name("analytics"), s => s.FromTopic(Name("orders")).Handle<OrderPlaced>((m, _, _) => Add(analytics, m.OrderId))), Ct);
        await checkout.PlaceAsync("after", Ct);

        await Eventually.TrueAsync(() => email.Contains("after") && analytics.Contains("after"), "both subscribers to get the second order");
        Assert.DoesNotContain("before", analytics);
    }

    [Fact]
    public async Task Handler_FailsTransiently_IsRetriedWithBackoffThenAcknowledged()
    {
        var node = CreateNode(maxAttempts: 5);
        var attempts = new ConcurrentQueue<int>();
        await Bus(node).SubscribeAsync(SubscriptionDefinition.Create(Name("flaky"), s => s.Handle<Ping>((m, c, _) =>
        {
            attempts.Enqueue(c.Envelope.Attempt);
            return m.Number == 1 && c.Envelope.Attempt < 3 ? throw new TimeoutException("downstream timed out") : Task.CompletedTask;
        })), Ct);

        await Bus(node).SendAsync(Name("flaky"), new Ping(1), cancellationToken: Ct);

        await Eventually.TrueAsync(() => attempts.Count >= 3, "three attempts");
        await SentinelAsync(node, Name("flaky"), attempts, a => a.Count >= 4);
        Assert.Equal([1, 2, 3, 1], attempts.ToArray());
        Assert.Equal(0, await Dlq(node).CountAsync(Ct));
    }

    [Fact]
    public async Task PoisonPill_IsDeadLetteredAfterMaxAttempts_While1000GoodMessagesComplete()
    {
        var node = CreateNode(maxAttempts: 3);
        var good = new ConcurrentDictionary<int, int>();
        var poisonAttempts = 0;
        await Bus(node).SubscribeAsync(SubscriptionDefinition.Create(Name("orders-worker"), s => s
            .WithFlowControl(prefetch: 50, concurrency: 8)
            .Handle<Ping>((m, _, _) =>
            {
                if (m.Number < 0)
                {
                    Interlocked.Increment(ref poisonAttempts);
                    throw new FormatException("address contains an emoji the parser cannot read");
                }

                good.AddOrUpdate(m.Number, 1, (_, n) => n + 1);
                return Task.CompletedTask;
            })), Ct);

        var sends = new List<Task>();
        for (var i = 0; i < 1000; i++)
        {
            if (i == 10)
            {
                sends.Add(Bus(node).SendAsync(Name("orders-worker"), new Ping(-1), cancellationToken: Ct));
            }

            sends.Add(Bus(node).SendAsync(Name("orders-worker"), new Ping(i), cancellationToken: Ct));
        }

        await Task.WhenAll(sends);
        await Eventually.TrueAsync(() => good.Count == 1000, "1,000 good messages to complete", TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(async () => await Dlq(node).CountAsync(Ct) == 1, "the poison pill in the DLQ");

        var dead = Assert.Single(await Dlq(node).ListAsync(cancellationToken: Ct));
        Assert.Equal(3, Volatile.Read(ref poisonAttempts));
        Assert.Equal(3, dead.Attempts);
        Assert.False(dead.Permanent);
        Assert.Equal(Name("orders-worker"), dead.SourceQueue);
        Assert.Contains("emoji", dead.Reason, StringComparison.Ordinal);
        Assert.Equal(typeof(FormatException).FullName, dead.ExceptionType);
        Assert.Contains(nameof(PoisonPill_IsDeadLetteredAfterMaxAttempts_While1000GoodMessagesComplete), dead.StackTrace, StringComparison.Ordinal);
        Assert.All(good.Values, n => Assert.Equal(1, n));

        var inspected = await Dlq(node).GetAsync(dead.Id, Ct);
        Assert.NotNull(inspected);
        Assert.Equal(dead.Envelope.MessageId, inspected.Envelope.MessageId);
        Assert.Contains("-1", Encoding.UTF8.GetString(inspected.Envelope.Body.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PermanentError_IsDeadLetteredWithoutRetrying()
    {
        var node = CreateNode(maxAttempts: 5);
        var calls = 0;
        await Bus(node).SubscribeAsync(SubscriptionDefinition.Create(Name("strict"), s => s.Handle<Ping>((_, _, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new PermanentMessageException("return reason is not one we accept");
        })), Ct);

        await Bus(node).SendAsync(Name("strict"), new Ping(1), cancellationToken: Ct);

        await Eventually.TrueAsync(async () => await Dlq(node).CountAsync(Ct) == 1, "the message in the DLQ");
        var dead = Assert.Single(await Dlq(node).ListAsync(cancellationToken: Ct));
        Assert.True(dead.Permanent);
        Assert.Equal(1, dead.Attempts);
        Assert.Equal(1, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task UnknownTypeOrMalformedBody_IsDeadLetteredAsPermanentWithAClearError()
    {
        var node = CreateNode(maxAttempts: 5);
        var calls = 0;
        await Bus(node).SubscribeAsync(SubscriptionDefinition.Create(Name("typed"), s => s.Handle<Ping>((_, _, _) =>
        {
            Interlocked.Increment(ref calls);
            return Task.CompletedTask;
        })), Ct);
        var template = Bus(node).CreateEnvelope(new Ping(1));

        await Bus(node).PublishAsync(MessageDestination.Queue(Name("typed")), template with { MessageId = "unknown-1", MessageType = "legacy.ping.v0" }, Ct);
        await Bus(node).PublishAsync(MessageDestination.Queue(Name("typed")), template with { MessageId = "broken-1", Body = "{not json"u8.ToArray() }, Ct);

        await Eventually.TrueAsync(async () => await Dlq(node).CountAsync(Ct) == 2, "both messages in the DLQ");
        var dead = (await Dlq(node).ListAsync(cancellationToken: Ct)).ToDictionary(d => d.Envelope.MessageId);
        Assert.Equal(typeof(UnknownMessageTypeException).FullName, dead["unknown-1"].ExceptionType);
        Assert.Contains("legacy.ping.v0", dead["unknown-1"].Reason, StringComparison.Ordinal);
        Assert.Equal(typeof(MessageDeserializationException).FullName, dead["broken-1"].ExceptionType);
        Assert.All(dead.Values, d => Assert.True(d.Permanent && d.Attempts == 1));
        Assert.Equal(0, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task Redrive_AfterTheFix_ProcessesEachMessageOnceWithItsOriginalId()
    {
        var node = CreateNode(maxAttempts: 2);
        var fixedNow = false;
        var handled = new ConcurrentDictionary<string, int>();
        await Bus(node).SubscribeAsync(SubscriptionDefinition.Create(Name("returns"), s => s.Handle<Ping>((m, c, _) =>
        {
            if (!Volatile.Read(ref fixedNow) && m.Number < 100)
            {
                throw new InvalidOperationException("date format DD/MM/YYYY not supported");
            }

            handled.AddOrUpdate(c.Envelope.MessageId, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        })), Ct);

        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Bus(node).SendAsync(Name("returns"), new Ping(i), cancellationToken: Ct)).MessageId);
        }

        await Eventually.TrueAsync(async () => await Dlq(node).CountAsync(Ct) == 5, "five dead letters");
        Assert.Empty(handled);

        Volatile.Write(ref fixedNow, true);
        var first = (await Dlq(node).ListAsync(cancellationToken: Ct))[0];
        Assert.True(await Dlq(node).RedriveAsync(first.Id, Ct));
        Assert.Equal(4, await Dlq(node).RedriveAsync(DeadLetterFilter.All, Ct));

        await Eventually.TrueAsync(() => handled.Count == 5, "all five redriven messages to be handled");
        await SentinelAsync(node, Name("returns"), handled, h => h.ContainsKey("sentinel"));
        Assert.Equal(ids.Order(), handled.Keys.Where(k => k != "sentinel").Order());
        Assert.All(handled.Values, n => Assert.Equal(1, n));
        Assert.Equal(0, await Dlq(node).CountAsync(Ct));
    }

    [Fact]
    public async Task Purge_Filtered_RemovesOnlyMatchingEntries_AndTheDepthGaugeFollows()
    {
        var node = CreateNode(maxAttempts: 1);
        using var depth = new DepthListener(node);
        foreach (var queue in new[] { Name("a"), Name("b") })
        {
            await Bus(node).SubscribeAsync(SubscriptionDefinition.Create(queue, s => s.Handle<Ping>((_, _, _) => throw new InvalidOperationException("always"))), Ct);
            await Bus(node).SendAsync(queue, new Ping(1), cancellationToken: Ct);
            await Bus(node).SendAsync(queue, new Ping(2), cancellationToken: Ct);
        }

        await Eventually.TrueAsync(async () => await Dlq(node).CountAsync(Ct) == 4, "four dead letters");
        Assert.Equal(4, depth.Read());

        Assert.Equal(2, await Dlq(node).PurgeAsync(new DeadLetterFilter { SourceQueue = Name("a") }, Ct));
        Assert.Equal(2, depth.Read());
        var remaining = await Dlq(node).ListAsync(cancellationToken: Ct);
        Assert.All(remaining, d => Assert.Equal(Name("b"), d.SourceQueue));
        Assert.True(await Dlq(node).PurgeAsync(remaining[0].Id, Ct));
        Assert.False(await Dlq(node).PurgeAsync(remaining[0].Id, Ct));
        Assert.Equal(1, depth.Read());
    }

    [Fact]
    public async Task ConsumerKilledMidHandling_MessageIsRedeliveredToTheNextConsumer()
    {
        var dying = CreateNode();
        var started = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await Bus(dying).SubscribeAsync(SubscriptionDefinition.Create(Name("billing"), s => s.Handle<Ping>(async (_, c, ct) =>
        {
            started.TrySetResult(c.Envelope.MessageId);
            await Task.Delay(Timeout.Infinite, ct);
        })), Ct);
        var sent = await Bus(dying).SendAsync(Name("billing"), new Ping(99), cancellationToken: Ct);
        Assert.Equal(sent.MessageId, await started.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct));

        // The process dies before it acknowledges.
        await dying.DisposeAsync();

        var survivor = CreateNode();
        var received = new ConcurrentBag<string>();
        await Bus(survivor).SubscribeAsync(SubscriptionDefinition.Create(Name("billing"), s => s.Handle<Ping>((_, c, _) => Add(received, c.Envelope.MessageId))), Ct);
        await Eventually.TrueAsync(() => received.Contains(sent.MessageId), "the unacknowledged message to be redelivered");
    }

    [Fact]
    public async Task Publish_WhileNoConsumerRuns_IsDeliveredAfterRestart()
    {
        var first = CreateNode();
        var subscription = await Bus(first).SubscribeAsync(SubscriptionDefinition.Create(Name("ledger"), s => s.FromTopic(Name("orders")).Handle<OrderPlaced>((_, _, _) => Task.CompletedTask)), Ct);
        await subscription.DisposeAsync();
        await Bus(first).PublishAsync(new OrderPlaced("while-down", 1m), cancellationToken: Ct);
        await first.DisposeAsync();

        var restarted = CreateNode();
        var received = new ConcurrentBag<string>();
        await Bus(restarted).SubscribeAsync(SubscriptionDefinition.Create(Name("ledger"), s => s.FromTopic(Name("orders")).Handle<OrderPlaced>((m, _, _) => Add(received, m.OrderId))), Ct);
        await Eventually.TrueAsync(() => received.Contains("while-down"), "the message published while no consumer ran");
    }

    [Fact]
    public async Task ExpiredDeadline_IsDeadLetteredInsteadOfHandled()
    {
        var node = CreateNode(maxAttempts: 5);
        var calls = 0;
        await Bus(node).SubscribeAsync(SubscriptionDefinition.Create(Name("quotes"), s => s.Handle<Ping>((_, _, _) =>
        {
            Interlocked.Increment(ref calls);
            return Task.CompletedTask;
        })), Ct);

        await Bus(node).SendAsync(Name("quotes"), new Ping(1), new MessageOptions { Deadline = TimeProvider.System.GetUtcNow().AddMinutes(-1) }, Ct);

        await Eventually.TrueAsync(async () => await Dlq(node).CountAsync(Ct) == 1, "the expired message in the DLQ");
        Assert.Contains("deadline", Assert.Single(await Dlq(node).ListAsync(cancellationToken: Ct)).Reason, StringComparison.Ordinal);
        Assert.Equal(0, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task ClaimCheck_PayloadOverThreshold_TravelsByReferenceAndArrivesIntact()
    {
        var node = CreateNode(b => { b.UseClaimCheck(o => o.ThresholdBytes = 1024); UseBlobStore(b); });
        var received = new ConcurrentBag<(Ping Message, MessageEnvelope Envelope)>();
        await Bus(node).SubscribeAsync(SubscriptionDefinition.Create(Name("photos"), s => s.Handle<Ping>((m, c, _) => Add(received, (m, c.Envelope)))), Ct);
        var text = new string('x', 300_000);

        var sent = await Bus(node).SendAsync(Name("photos"), new Ping(5, text), new MessageOptions { Headers = new Dictionary<string, string> { ["priority"] = "vip" } }, Ct);

        await Eventually.TrueAsync(() => !received.IsEmpty, "the claim-checked message");
        var (message, envelope) = Assert.Single(received);
        Assert.Equal(text, message.Text);
        Assert.True(envelope.Body.Length < 1024, "the body travelled on the transport instead of by claim check");
        Assert.True(envelope.Headers.ContainsKey(MessageHeaders.ClaimCheckKey));
        Assert.Equal(64, envelope.Headers[MessageHeaders.ClaimCheckSha256].Length);
        Assert.Equal("vip", envelope.Headers["priority"]);
        Assert.Equal(sent.MessageId, envelope.MessageId);
    }

    [Fact]
    public async Task ClaimCheck_CorruptedBlob_IsDetectedAndDeadLetteredWithoutRetry()
    {
        var node = CreateNode(b => { b.UseClaimCheck(o => o.ThresholdBytes = 1024); UseBlobStore(b); }, maxAttempts: 5);
        var calls = 0;
        var store = node.GetRequiredService<IBlobStore>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var envelope = Bus(node).CreateEnvelope(new Ping(6, new string('y', 50_000)));

        // Park the payload, corrupt it, then let the consumer see it.
        await Bus(node).PublishAsync(MessageDestination.Queue(Name("scans")), envelope, Ct);
        var key = await FirstKeyAsync(store);
        var bytes = (await store.GetAsync(key, Ct))!;
        bytes[bytes.Length / 2] ^= 0xFF;
        await store.PutAsync(key, bytes, Ct);
        await Bus(node).SubscribeAsync(SubscriptionDefinition.Create(Name("scans"), s => s.Handle<Ping>((_, _, _) =>
        {
            Interlocked.Increment(ref calls);
            return Task.CompletedTask;
        })), Ct);

        await Eventually.TrueAsync(async () => await Dlq(node).CountAsync(Ct) == 1, "the corrupted message in the DLQ");
        var dead = Assert.Single(await Dlq(node).ListAsync(cancellationToken: Ct));
        Assert.Equal(typeof(ClaimCheckIntegrityException).FullName, dead.ExceptionType);
        Assert.Contains("SHA-256 mismatch", dead.Reason, StringComparison.Ordinal);
        Assert.Equal(1, dead.Attempts);
        Assert.Equal(0, Volatile.Read(ref calls));
    }

    /// <summary>Sends a marker after the messages under test; once it is handled, everything sent before it was delivered too.</summary>
    private async Task SentinelAsync<T>(IServiceProvider node, string queue, T observed, Func<T, bool> sawSentinel)
    {
        await Bus(node).SendAsync(queue, new Ping(1000), new MessageOptions { MessageId = "sentinel" }, Ct);
        await Eventually.TrueAsync(() => sawSentinel(observed), "the sentinel message");
    }

    private static async Task<string> FirstKeyAsync(IBlobStore store)
    {
        await foreach (var blob in store.ListAsync(Ct))
        {
            return blob.Key;
        }

        throw new InvalidOperationException("no blob was stored");
    }

    private static Task Add<T>(ConcurrentBag<T> bag, T item)
    {
        bag.Add(item);
        return Task.CompletedTask;
    }

    /// <summary>Reads this node's dead-letter depth gauge.</summary>
    private sealed class DepthListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _last = -1;

        public DepthListener(IServiceProvider node)
        {
            var factory = node.GetRequiredService<IMeterFactory>();
            _ = node.GetRequiredService<MessagingMetrics>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Name == MessagingMetrics.DeadLetterDepthInstrument)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Exchange(ref _last, value));
            _listener.Start();
        }

        public long Read()
        {
            _listener.RecordObservableInstruments();
            return Interlocked.Read(ref _last);
        }

        public void Dispose() => _listener.Dispose();
    }
}
