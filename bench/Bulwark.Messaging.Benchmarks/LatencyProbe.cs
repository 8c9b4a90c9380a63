using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Bulwark.Messaging.Serialization;
using Bulwark.Messaging.Subscriptions;
using Bulwark.RabbitMQ.Messaging;
using Bulwark.Sqlite.Messaging;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Bulwark.Messaging.Benchmarks;

/// <summary>
/// Per-message latency percentiles, which BenchmarkDotNet's per-iteration means cannot give: send one message, wait
/// until the consumer has handled it, repeat; each round trip is timed on its own (Stopwatch timestamps).
/// </summary>
internal static class LatencyProbe
{
    private static readonly Uri Broker = new(Environment.GetEnvironmentVariable("BULWARK_TEST_RABBITMQ") ?? "amqp://guest:guest@127.0.0.1:5672/");

    public static async Task RunAsync(int count)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var folder = Path.Combine(Path.GetTempPath(), "bulwark-latency-" + suffix);
        Console.WriteLine($"| Variant | Round trips | p50 | p90 | p99 | max |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        try
        {
            await ReportAsync("Embedded (SQLite)", count, b => b.UseSqliteTransport(o => o.DatabasePath = Path.Combine(folder, "latency.db")), "lat.embedded." + suffix);
            await ReportAsync("Bulwark over RabbitMQ", count, b => b.UseRabbitMq(o =>
            {
                o.ConnectionUri = Broker;
                o.Exchange = "lat.topics." + suffix;
                o.DeadLetterQueue = "lat.dlq." + suffix;
            }), "lat.bulwark." + suffix);
            Print("Raw RabbitMQ.Client", await RawAsync(count, "lat.raw." + suffix));
            Print("MassTransit over RabbitMQ", await MassTransitAsync(count, "lat.mt." + suffix));
        }
        finally
        {
            await using var connection = await new ConnectionFactory { Uri = Broker }.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            foreach (var queue in new[] { "lat.bulwark." + suffix, "lat.raw." + suffix, "lat.dlq." + suffix, "lat.mt." + suffix })
            {
                await channel.QueueDeleteAsync(queue, false, false);
            }

            await channel.ExchangeDeleteAsync("lat.topics." + suffix);
            await channel.ExchangeDeleteAsync("lat.mt." + suffix);

            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static async Task ReportAsync(string name, int count, Action<IMessagingBuilder> transport, string queue)
    {
        var services = new ServiceCollection();
        var builder = services.AddBulwarkMessaging().AddMessageType<Ping>("bench.ping.v1");
        transport(builder);
        await using var provider = services.BuildServiceProvider();
        var bus = provider.GetRequiredService<IMessageBus>();
        TaskCompletionSource pending = new(TaskCreationOptions.RunContinuationsAsynchronously);
        await bus.SubscribeAsync(SubscriptionDefinition.Create(queue, s => s.Handle<Ping>((_, _, _) =>
        {
            Volatile.Read(ref pending).TrySetResult();
            return Task.CompletedTask;
        })));
        Print(name, await MeasureAsync(count, async i =>
        {
            Volatile.Write(ref pending, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            await bus.SendAsync(queue, new Ping(i, "hello"));
            await Volatile.Read(ref pending).Task;
        }));
    }

    private static async Task<List<double>> RawAsync(int count, string queue)
    {
        await using var connection = await new ConnectionFactory { Uri = Broker }.CreateConnectionAsync();
        await using var publish = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        await using var consume = await connection.CreateChannelAsync();
        await consume.QueueDeclareAsync(queue, true, false, false, new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        await consume.BasicQosAsync(0, 32, false);
        TaskCompletionSource pending = new(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(consume);
        consumer.ReceivedAsync += async (_, args) =>
        {
            GC.KeepAlive(JsonSerializer.Deserialize<Ping>(args.Body.Span, JsonSerializerOptions.Web));
            await consume.BasicAckAsync(args.DeliveryTag, false);
            Volatile.Read(ref pending).TrySetResult();
        };
        await consume.BasicConsumeAsync(queue, false, consumer);
        return await MeasureAsync(count, async i =>
        {
            Volatile.Write(ref pending, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            var properties = new BasicProperties { MessageId = Guid.NewGuid().ToString(), Type = "bench.ping.v1", DeliveryMode = DeliveryModes.Persistent, ContentType = "application/json" };
            await publish.BasicPublishAsync(string.Empty, queue, true, properties, JsonSerializer.SerializeToUtf8Bytes(new Ping(i, "hello"), JsonSerializerOptions.Web));
            await Volatile.Read(ref pending).Task;
        });
    }

    private static async Task<List<double>> MassTransitAsync(int count, string queue)
    {
        TaskCompletionSource pending = new(TaskCreationOptions.RunContinuationsAsynchronously);
        var (provider, bus) = MassTransitBus.Create(Broker, queue, concurrency: 1, () => Volatile.Read(ref pending).TrySetResult());
        await using (provider)
        {
            await bus.StartAsync();
            try
            {
                var endpoint = await bus.GetSendEndpoint(new Uri("exchange:" + queue));
                return await MeasureAsync(count, async i =>
                {
                    Volatile.Write(ref pending, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                    await endpoint.Send(new Ping(i, "hello"));
                    await Volatile.Read(ref pending).Task;
                });
            }
            finally
            {
                await bus.StopAsync();
            }
        }
    }

    private static async Task<List<double>> MeasureAsync(int count, Func<int, Task> roundTrip)
    {
        for (var i = 0; i < 100; i++)
        {
            await roundTrip(i);
        }

        var samples = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await roundTrip(i);
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        samples.Sort();
        return samples;
    }

    private static void Print(string name, List<double> sorted)
    {
        string P(double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)].ToString("0.00", CultureInfo.InvariantCulture) + " ms";
        Console.WriteLine($"| {name} | {sorted.Count} | {P(0.50)} | {P(0.90)} | {P(0.99)} | {sorted[^1].ToString("0.00", CultureInfo.InvariantCulture)} ms |");
    }
}
