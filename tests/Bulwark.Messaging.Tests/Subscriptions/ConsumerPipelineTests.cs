using Bulwark.Messaging.Retries;
using Bulwark.Messaging.Serialization;
using Bulwark.Messaging.Subscriptions;
using Bulwark.Messaging.Transport;
using Bulwark.Resilience.Deadlines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Messaging.Tests.Subscriptions;

/// <summary>The retry → DLQ decisions, driven delivery by delivery on a manual transport with fake time and fixed jitter.</summary>
public sealed class ConsumerPipelineTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ManualTransport _transport = new();
    private readonly ServiceProvider _provider;
    private Func<Ping, MessageContext, CancellationToken, Task> _handler = (_, _, _) => Task.CompletedTask;

    public ConsumerPipelineTests()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<IJitterSource>(new FixedJitter(0.5));
        services.AddBulwarkMessaging(o =>
        {
            o.Retry.MaxAttempts = 3;
            o.Retry.InitialDelay = TimeSpan.FromSeconds(2);
            o.Retry.MaxDelay = TimeSpan.FromMinutes(1);
        }).AddMessageType<Ping>("ping.v1");
        services.AddSingleton<IMessageTransport>(_transport);
        _provider = services.BuildServiceProvider();
    }

    private IMessageBus Bus => _provider.GetRequiredService<IMessageBus>();

    [Fact]
    public async Task Handle_Success_Acknowledges()
    {
        var delivery = await DeliverAsync(attempt: 1);
        Assert.Equal("ack", delivery.Outcome);
    }

    [Theory]
    [InlineData(1, 1.5)]
    [InlineData(2, 3.0)]
    public async Task Handle_TransientFailureBeforeLastAttempt_RetriesWithExponentialBackoffAndJitter(int attempt, double expectedSeconds)
    {
        _handler = (_, _, _) => throw new TimeoutException("payments API timed out");
        var delivery = await DeliverAsync(attempt);
        Assert.Equal("retry", delivery.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), delivery.RetryDelay);
    }

    [Fact]
    public async Task Handle_TransientFailureOnLastAttempt_DeadLettersWithReasonStackAndAttempts()
    {
        _handler = (_, _, _) => throw new TimeoutException("payments API timed out");
        var delivery = await DeliverAsync(attempt: 3);
        Assert.Equal("dead-letter", delivery.Outcome);
        Assert.Equal("payments API timed out", delivery.DeadLetter!.Reason);
        Assert.Equal(typeof(TimeoutException).FullName, delivery.DeadLetter.ExceptionType);
        Assert.Contains(nameof(ConsumerPipelineTests), delivery.DeadLetter.StackTrace, StringComparison.Ordinal);
        Assert.Equal(3, delivery.DeadLetter.Attempts);
        Assert.False(delivery.DeadLetter.Permanent);
    }

    [Fact]
    public async Task Handle_PermanentException_DeadLettersOnFirstAttempt()
    {
        _handler = (_, _, _) => throw new PermanentMessageException("photo is not an image");
        var delivery = await DeliverAsync(attempt: 1);
        Assert.Equal("dead-letter", delivery.Outcome);
        Assert.True(delivery.DeadLetter!.Permanent);
    }

    [Fact]
    public async Task Handle_ValidationException_IsPermanent()
    {
        _handler = (_, _, _) => throw new System.ComponentModel.DataAnnotations.ValidationException("reason is required");
        var delivery = await DeliverAsync(attempt: 1);
        Assert.True(delivery.DeadLetter!.Permanent);
    }

    [Fact]
    public async Task Handle_UnknownType_DeadLettersWithoutCallingTheHandler()
    {
        var called = false;
        _handler = (_, _, _) => { called = true; return Task.CompletedTask; };
        var envelope = Bus.CreateEnvelope(new Ping(1)) with { MessageType = "ping.v0", Attempt = 1 };
        var delivery = await PlayAsync(envelope);
        Assert.Equal(typeof(UnknownMessageTypeException).FullName, delivery.DeadLetter!.ExceptionType);
        Assert.False(called);
    }

    [Fact]
    public async Task Handle_DeadlinePassedWhileQueued_DeadLettersInsteadOfHandling()
    {
        var called = false;
        _handler = (_, _, _) => { called = true; return Task.CompletedTask; };
        var envelope = Bus.CreateEnvelope(new Ping(1), new MessageOptions { Deadline = _time.GetUtcNow().AddSeconds(30) }) with { Attempt = 1 };
        _time.Advance(TimeSpan.FromSeconds(31));
        var delivery = await PlayAsync(envelope);
        Assert.Equal("dead-letter", delivery.Outcome);
        Assert.True(delivery.DeadLetter!.Permanent);
        Assert.False(called);
    }

    [Fact]
    public async Task Handle_WithADeadline_TheHandlerRunsUnderItAsTheAmbientDeadline()
    {
        Deadline? seen = null;
        var at = _time.GetUtcNow().AddSeconds(30);
        _handler = (_, _, _) =>
        {
            seen = DeadlineContext.Current;
            return Task.CompletedTask;
        };
        var delivery = await PlayAsync(Bus.CreateEnvelope(new Ping(1), new MessageOptions { Deadline = at }) with { Attempt = 1 });
        Assert.Equal("ack", delivery.Outcome);
        Assert.Equal(new Deadline(at), seen);
        Assert.Null(DeadlineContext.Current);
    }

    [Fact]
    public async Task Handle_DeadlinePassesWhileHandling_HandlerCancelledAndDeadLetteredAtOnce()
    {
        var envelope = Bus.CreateEnvelope(new Ping(1), new MessageOptions { Deadline = _time.GetUtcNow().AddSeconds(30) }) with { Attempt = 1 };
        _handler = async (_, _, ct) =>
        {
            // The handler's slow call (5 minutes): the deadline passes while it waits. Without the deadline the wait
            // ends when the clock passes it and the message is acknowledged.
            var wait = Task.Delay(TimeSpan.FromMinutes(5), _time, ct);
            _time.Advance(TimeSpan.FromMinutes(6));
            await wait;
        };
        var delivery = await PlayAsync(envelope);
        Assert.Equal("dead-letter", delivery.Outcome);
        Assert.True(delivery.DeadLetter!.Permanent);
        Assert.Contains("ran out of its deadline", delivery.DeadLetter.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handle_ConsumerStopping_LeavesTheDeliveryUnsettled()
    {
        using var stop = new CancellationTokenSource();
        _handler = async (_, _, ct) => { await stop.CancelAsync(); ct.ThrowIfCancellationRequested(); };
        var delivery = new RecordingDelivery(Bus.CreateEnvelope(new Ping(1)) with { Attempt = 1 });
        await SubscribeAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _transport.OnDelivery!(delivery, stop.Token));
        Assert.Null(delivery.Outcome);
    }

    [Fact]
    public async Task Handle_CausedMessage_CarriesCorrelationAndCausation()
    {
        MessageOptions? caused = null;
        _handler = (_, c, _) => { caused = c.Caused(); return Task.CompletedTask; };
        var envelope = Bus.CreateEnvelope(new Ping(1), new MessageOptions { CorrelationId = "order-7" }) with { Attempt = 1 };
        await PlayAsync(envelope);
        Assert.Equal("order-7", caused!.CorrelationId);
        Assert.Equal(envelope.MessageId, caused.CausationId);
    }

    [Fact]
    public void Options_InvalidRetry_FailValidation()
    {
        var services = new ServiceCollection();
        services.AddBulwarkMessaging(o => o.Retry.MaxAttempts = 0);
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MessagingOptions>>().Value);
        Assert.Contains("MaxAttempts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_NoTransportConfigured_FailsNamingTheFix()
    {
        var services = new ServiceCollection();
        services.AddBulwarkMessaging().AddMessageType<Ping>("ping.v1");
        await using var provider = services.BuildServiceProvider();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.GetRequiredService<IMessageBus>().PublishAsync(new Ping(1), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("UseSqliteTransport()", error.Message, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync() => await _provider.DisposeAsync();

    private async Task SubscribeAsync() =>
        await Bus.SubscribeAsync(SubscriptionDefinition.Create("q", s => s.Handle<Ping>((m, c, ct) => _handler(m, c, ct))), TestContext.Current.CancellationToken);

    private Task<RecordingDelivery> DeliverAsync(int attempt) => PlayAsync(Bus.CreateEnvelope(new Ping(1)) with { Attempt = attempt });

    private async Task<RecordingDelivery> PlayAsync(MessageEnvelope envelope)
    {
        await SubscribeAsync();
        var delivery = new RecordingDelivery(envelope);
        await _transport.OnDelivery!(delivery, TestContext.Current.CancellationToken);
        return delivery;
    }
}
