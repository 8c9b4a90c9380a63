using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Bulwark.Messaging.Serialization;
using Bulwark.Messaging.Subscriptions;
using Bulwark.RabbitMQ.Messaging;
using Bulwark.Sqlite.Messaging;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Bulwark.Messaging.Benchmarks;

public sealed record Ping(int Number, string Text);

/// <summary>
/// Send N messages to a queue and wait until a consumer has handled and acknowledged all of them. Results are per
/// message (OperationsPerInvoke), so messages/s = 1 / mean. The raw baseline does the same work with RabbitMQ.Client:
/// JSON body, persistent message, publisher confirm per publish, quorum queue, prefetch 32, 4 dispatchers, manual ack.
/// The MassTransit variant (8.5.12, the last Apache-2.0 line) does the same work through its RabbitMQ transport.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class PublishConsumeBenchmarks
{
    private const int Messages = 1000;
    private static readonly Uri Broker = new(Environment.GetEnvironmentVariable("BULWARK_TEST_RABBITMQ") ?? "amqp://guest:guest@127.0.0.1:5672/");
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "bulwark-bench-" + Guid.NewGuid().ToString("N"));
    private ServiceProvider? _embedded;
    private ServiceProvider? _rabbit;
    private IConnection? _raw;
    private IChannel? _rawPublish;
    private IChannel? _rawConsume;
    private ServiceProvider? _massTransit;
    private IBusControl? _massTransitBus;
    private ISendEndpoint? _massTransitEndpoint;
    private int _handled;
    private TaskCompletionSource _done = new();

    private string RawQueue => "bench.raw." + _suffix;

    private string MassTransitQueue => "bench.mt." + _suffix;

    [GlobalSetup(Target = nameof(Embedded))]
    public async Task SetupEmbedded() => _embedded = await StartBulwarkAsync(b => b.UseSqliteTransport(o =>
    {
        o.DatabasePath = Path.Combine(_folder, "bench.db");
        o.PollInterval = TimeSpan.FromMilliseconds(20);
    }));

    [GlobalSetup(Target = nameof(BulwarkRabbitMq))]
    public async Task SetupBulwarkRabbitMq() => _rabbit = await StartBulwarkAsync(b => b.UseRabbitMq(o =>
    {
        o.ConnectionUri = Broker;
        o.Exchange = "bench.topics." + _suffix;
        o.DeadLetterQueue = "bench.dlq." + _suffix;
    }));

    [GlobalSetup(Target = nameof(RawRabbitMq))]
    public async Task SetupRaw()
    {
        _raw = await new ConnectionFactory { Uri = Broker }.CreateConnectionAsync();
        _rawPublish = await _raw.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        _rawConsume = await _raw.CreateChannelAsync(new CreateChannelOptions(false, false, consumerDispatchConcurrency: 4));
        await _rawConsume.QueueDeclareAsync(RawQueue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        await _rawConsume.BasicQosAsync(0, 32, false);
        var consumer = new AsyncEventingBasicConsumer(_rawConsume);
        consumer.ReceivedAsync += async (_, args) =>
        {
            GC.KeepAlive(JsonSerializer.Deserialize<Ping>(args.Body.Span, JsonSerializerOptions.Web));
            await _rawConsume.BasicAckAsync(args.DeliveryTag, false);
            Handled();
        };
        await _rawConsume.BasicConsumeAsync(RawQueue, autoAck: false, consumer);
    }

    [GlobalSetup(Target = nameof(MassTransitRabbitMq))]
    public async Task SetupMassTransit()
    {
        (_massTransit, _massTransitBus) = MassTransitBus.Create(Broker, MassTransitQueue, concurrency: 4, Handled);
        await _massTransitBus.StartAsync();
        _massTransitEndpoint = await _massTransitBus.GetSendEndpoint(new Uri("exchange:" + MassTransitQueue));
    }

    [IterationSetup]
    public void Reset()
    {
        _handled = 0;
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public Task Embedded() => RunBulwarkAsync(_embedded!);

    [Benchmark(OperationsPerInvoke = Messages)]
    public Task BulwarkRabbitMq() => RunBulwarkAsync(_rabbit!);

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public async Task RawRabbitMq()
    {
        var sends = new Task[Messages];
        for (var i = 0; i < Messages; i++)
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new Ping(i, "hello"), JsonSerializerOptions.Web);
            var properties = new BasicProperties { MessageId = Guid.NewGuid().ToString(), Type = "bench.ping.v1", DeliveryMode = DeliveryModes.Persistent, ContentType = "application/json" };
            sends[i] = _rawPublish!.BasicPublishAsync(string.Empty, RawQueue, mandatory: true, properties, body).AsTask();
        }

        await Task.WhenAll(sends);
        await _done.Task;
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public async Task MassTransitRabbitMq()
    {
        var sends = new Task[Messages];
        for (var i = 0; i < Messages; i++)
        {
            sends[i] = _massTransitEndpoint!.Send(new Ping(i, "hello"));
        }

        await Task.WhenAll(sends);
        await _done.Task;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
        }

        if (_rabbit is not null)
        {
            await _rabbit.DisposeAsync();
        }

        if (_massTransitBus is not null)
        {
            await _massTransitBus.StopAsync();
        }

        if (_massTransit is not null)
        {
            await _massTransit.DisposeAsync();
        }

        await using var connection = await new ConnectionFactory { Uri = Broker }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        foreach (var queue in new[] { RawQueue, "bench.bulwark." + _suffix, "bench.dlq." + _suffix, MassTransitQueue })
        {
            await channel.QueueDeleteAsync(queue, false, false);
        }

        await channel.ExchangeDeleteAsync("bench.topics." + _suffix);
        await channel.ExchangeDeleteAsync(MassTransitQueue);
        if (_raw is not null)
        {
            await _raw.CloseAsync();
            await _raw.DisposeAsync();
        }

        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private async Task<ServiceProvider> StartBulwarkAsync(Action<IMessagingBuilder> transport)
    {
        var services = new ServiceCollection();
        var builder = services.AddBulwarkMessaging(o => { o.Prefetch = 32; o.Concurrency = 4; }).AddMessageType<Ping>("bench.ping.v1");
        transport(builder);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IMessageBus>().SubscribeAsync(SubscriptionDefinition.Create("bench.bulwark." + _suffix, s => s.Handle<Ping>((_, _, _) =>
        {
            Handled();
            return Task.CompletedTask;
        })));
        return provider;
    }

    private async Task RunBulwarkAsync(ServiceProvider provider)
    {
        var bus = provider.GetRequiredService<IMessageBus>();
        var sends = new Task[Messages];
        for (var i = 0; i < Messages; i++)
        {
            sends[i] = bus.SendAsync("bench.bulwark." + _suffix, new Ping(i, "hello"));
        }

        await Task.WhenAll(sends);
        await _done.Task;
    }

    private void Handled()
    {
        if (Interlocked.Increment(ref _handled) == Messages)
        {
            _done.TrySetResult();
        }
    }
}
