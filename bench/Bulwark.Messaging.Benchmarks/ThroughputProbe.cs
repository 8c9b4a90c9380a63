using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bulwark.Messaging.Serialization;
using Bulwark.Messaging.Subscriptions;
using Bulwark.RabbitMQ.Messaging;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Bulwark.Messaging.Benchmarks;

/// <summary>
/// Throughput and per-message latency under load, side by side: the same work as <see cref="PublishConsumeBenchmarks"/>
/// (1,000 confirmed, persistent JSON messages sent at once to a quorum queue, prefetch 32, 4 handlers, manual ack) for
/// Bulwark, raw RabbitMQ.Client and MassTransit, in interleaved rounds (A B C A B C ...) so a noisy neighbour on a shared
/// machine hits every variant alike. Each message's latency is from the start of its send to its handler running.
/// </summary>
internal static class ThroughputProbe
{
    private const int WarmupRounds = 3;
    private static readonly Uri Broker = new(Environment.GetEnvironmentVariable("BULWARK_TEST_RABBITMQ") ?? "amqp://guest:guest@127.0.0.1:5672/");

    public static async Task RunAsync(int rounds, int messages)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await using var bulwark = await BulwarkVariant.StartAsync("tp.bulwark." + suffix, suffix, messages);
        await using var raw = await RawVariant.StartAsync("tp.raw." + suffix, messages);
        await using var massTransit = await MassTransitVariant.StartAsync("tp.mt." + suffix, messages);
        Variant[] variants = [bulwark, raw, massTransit];
        for (var round = 0; round < WarmupRounds + rounds; round++)
        {
            foreach (var variant in variants)
            {
                await variant.RoundAsync(measured: round >= WarmupRounds);
            }
        }

        var rawMedian = Median(raw.Rates);
        var mtMedian = Median(massTransit.Rates);
        Console.WriteLine($"{rounds} measured rounds of {messages} messages per variant, interleaved, after {WarmupRounds} warm-up rounds each.");
        Console.WriteLine("| Variant | median msgs/s | mean msgs/s | min–max msgs/s | latency p50 | latency p99 | raw / variant (time) | variant / MassTransit (throughput) |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var v in variants)
        {
            var median = Median(v.Rates);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {v.Name} | {median:N0} | {v.Rates.Average():N0} | {v.Rates.Min():N0}–{v.Rates.Max():N0} | {Percentile(v.Latencies, 0.50):0.0} ms | {Percentile(v.Latencies, 0.99):0.0} ms | {rawMedian / median:0.00}× | {median / mtMedian:0.00}× |"));
        }

        await using var connection = await new ConnectionFactory { Uri = Broker }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        foreach (var queue in new[] { "tp.bulwark." + suffix, "tp.raw." + suffix, "tp.mt." + suffix, "tp.dlq." + suffix })
        {
            await channel.QueueDeleteAsync(queue, false, false);
        }

        await channel.ExchangeDeleteAsync("tp.topics." + suffix);
        await channel.ExchangeDeleteAsync("tp.mt." + suffix);
    }

    private static double Median(List<double> values) => Percentile(values, 0.5);

    private static double Percentile(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private abstract class Variant(string name, int messages) : IAsyncDisposable
    {
        private readonly long[] _sentAt = new long[messages];
        private readonly double[] _latency = new double[messages];
        private int _handled;
        private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name { get; } = name;

        public List<double> Rates { get; } = [];

        public List<double> Latencies { get; } = [];

        public async Task RoundAsync(bool measured)
        {
            _handled = 0;
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var sends = new Task[messages];
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < messages; i++)
            {
                _sentAt[i] = Stopwatch.GetTimestamp();
                sends[i] = SendAsync(i);
            }

            await Task.WhenAll(sends);
            await _done.Task.WaitAsync(TimeSpan.FromMinutes(2));
            var elapsed = Stopwatch.GetElapsedTime(start);
            if (measured)
            {
                Rates.Add(messages / elapsed.TotalSeconds);
                Latencies.AddRange(_latency);
            }
        }

        public abstract ValueTask DisposeAsync();

        protected abstract Task SendAsync(int number);

        protected void Handled(int number)
        {
            _latency[number] = Stopwatch.GetElapsedTime(_sentAt[number]).TotalMilliseconds;
            if (Interlocked.Increment(ref _handled) == messages)
            {
                _done.TrySetResult();
            }
        }
    }

    private sealed class BulwarkVariant(string queue, int messages) : Variant("Bulwark over RabbitMQ", messages)
    {
        private ServiceProvider? _provider;
        private IMessageBus? _bus;

        public static async Task<BulwarkVariant> StartAsync(string queue, string suffix, int messages)
        {
            var variant = new BulwarkVariant(queue, messages);
            var services = new ServiceCollection();
            services.AddBulwarkMessaging(o => { o.Prefetch = 32; o.Concurrency = 4; }).AddMessageType<Ping>("bench.ping.v1").UseRabbitMq(o =>
            {
                o.ConnectionUri = Broker;
                o.Exchange = "tp.topics." + suffix;
                o.DeadLetterQueue = "tp.dlq." + suffix;
            });
            variant._provider = services.BuildServiceProvider();
            variant._bus = variant._provider.GetRequiredService<IMessageBus>();
            await variant._bus.SubscribeAsync(SubscriptionDefinition.Create(queue, s => s.Handle<Ping>((ping, _, _) =>
            {
                variant.Handled(ping.Number);
                return Task.CompletedTask;
            })));
            return variant;
        }

        public override async ValueTask DisposeAsync() => await _provider!.DisposeAsync();

        protected override Task SendAsync(int number) => _bus!.SendAsync(queue, new Ping(number, "hello"));
    }

    private sealed class RawVariant(string queue, int messages) : Variant("Raw RabbitMQ.Client", messages)
    {
        private IConnection? _connection;
        private IChannel? _publish;

        public static async Task<RawVariant> StartAsync(string queue, int messages)
        {
            var variant = new RawVariant(queue, messages);
            variant._connection = await new ConnectionFactory { Uri = Broker }.CreateConnectionAsync();
            variant._publish = await variant._connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
            var consume = await variant._connection.CreateChannelAsync(new CreateChannelOptions(false, false, consumerDispatchConcurrency: 4));
            await consume.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
            await consume.BasicQosAsync(0, 32, false);
            var consumer = new AsyncEventingBasicConsumer(consume);
            consumer.ReceivedAsync += async (_, args) =>
            {
                var ping = JsonSerializer.Deserialize<Ping>(args.Body.Span, JsonSerializerOptions.Web)!;
                await consume.BasicAckAsync(args.DeliveryTag, false);
                variant.Handled(ping.Number);
            };
            await consume.BasicConsumeAsync(queue, autoAck: false, consumer);
            return variant;
        }

        public override async ValueTask DisposeAsync()
        {
            var connection = _connection!;
            await connection.CloseAsync();
            await connection.DisposeAsync();
        }

        protected override Task SendAsync(int number)
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new Ping(number, "hello"), JsonSerializerOptions.Web);
            var properties = new BasicProperties { MessageId = Guid.NewGuid().ToString(), Type = "bench.ping.v1", DeliveryMode = DeliveryModes.Persistent, ContentType = "application/json" };
            return _publish!.BasicPublishAsync(string.Empty, queue, mandatory: true, properties, body).AsTask();
        }
    }

    private sealed class MassTransitVariant(int messages) : Variant("MassTransit over RabbitMQ", messages)
    {
        private ServiceProvider? _provider;
        private IBusControl? _bus;
        private ISendEndpoint? _endpoint;

        public static async Task<MassTransitVariant> StartAsync(string queue, int messages)
        {
            var variant = new MassTransitVariant(messages);
            (variant._provider, variant._bus) = MassTransitBus.Create(Broker, queue, concurrency: 4, (Ping ping) => variant.Handled(ping.Number));
            await variant._bus.StartAsync();
            variant._endpoint = await variant._bus.GetSendEndpoint(new Uri("exchange:" + queue));
            return variant;
        }

        public override async ValueTask DisposeAsync()
        {
            await _bus!.StopAsync();
            await _provider!.DisposeAsync();
        }

        protected override Task SendAsync(int number) => _endpoint!.Send(new Ping(number, "hello"));
    }
}
