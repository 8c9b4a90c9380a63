using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using Bulwark.AzureBlob.ClaimCheck;
using Bulwark.Messaging;
using Bulwark.Messaging.ClaimCheck;
using Bulwark.Messaging.Contracts;
using Bulwark.Messaging.Subscriptions;
using Bulwark.RabbitMQ.Messaging;
using Bulwark.Testing;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Bulwark.RabbitMQ.Tests.Messaging;

/// <summary>The RabbitMQ transport passes the transport contract suite on a real broker; claim checks go to Azurite.</summary>
public sealed class RabbitMqTransportContractTests : MessageTransportContract
{
    private readonly ConcurrentDictionary<string, bool> _declared = new();
    private readonly string _container = "cc-" + Guid.NewGuid().ToString("N")[..16];

    protected override async Task RequireServerAsync()
    {
        await RealServers.RequireAsync(RealServer.RabbitMq);
        await RealServers.RequireAsync(RealServer.Azurite);
    }

    protected override void UseTransport(IMessagingBuilder builder) =>
        builder.UseRabbitMq(o =>
        {
            o.ConnectionUri = RealServers.RabbitMqUri;
            o.Exchange = Name("topics");
            o.DeadLetterQueue = Name("dead-letters");
            o.ClientName = "bulwark-tests";
            o.TopologyObserver = name => _declared[name] = true;
        });

    protected override void UseBlobStore(IMessagingBuilder builder) =>
        builder.UseAzureBlobStore(o =>
        {
            o.ConnectionString = RealServers.AzuriteConnectionString;
            o.ContainerName = _container;
            o.ServiceVersion = AzuriteVersion;
        });

    internal static BlobClientOptions.ServiceVersion AzuriteVersion => BlobClientOptions.ServiceVersion.V2025_11_05;

    protected override async Task CleanupAsync()
    {
        var factory = new ConnectionFactory { Uri = RealServers.RabbitMqUri };
        await using var connection = await factory.CreateConnectionAsync();
        foreach (var name in _declared.Keys)
        {
            await using var channel = await connection.CreateChannelAsync();
            if (name == Name("topics"))
            {
                await channel.ExchangeDeleteAsync(name);
            }
            else
            {
                await channel.QueueDeleteAsync(name, ifUnused: false, ifEmpty: false);
            }
        }

        await new BlobContainerClient(RealServers.AzuriteConnectionString, _container, new BlobClientOptions(AzuriteVersion)).DeleteIfExistsAsync();
    }

    [Fact]
    public async Task ClaimCheck_5MbPayload_CrossesRabbitMqAsAMessageUnder4KbAndArrivesIntact()
    {
        var node = CreateNode(b => { b.UseClaimCheck(); UseBlobStore(b); });
        var photo = RandomNumberGenerator.GetBytes(5 * 1024 * 1024);
        var text = Convert.ToBase64String(photo);
        var bus = node.GetRequiredService<IMessageBus>();

        await bus.SendAsync(Name("returns"), new Ping(1, text), new MessageOptions { Headers = new Dictionary<string, string> { ["return-reason"] = "damaged" } }, Ct);

        // Look at what the broker actually holds, with the raw client, before any Bulwark consumer runs.
        var factory = new ConnectionFactory { Uri = RealServers.RabbitMqUri };
        await using (var connection = await factory.CreateConnectionAsync(Ct))
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: Ct))
        {
            var onBroker = await channel.BasicGetAsync(Name("returns"), autoAck: false, Ct);
            Assert.NotNull(onBroker);
            var headerBytes = onBroker.BasicProperties.Headers!.Sum(h => h.Key.Length + (h.Value is byte[] b ? b.Length : 8));
            var size = onBroker.Body.Length + headerBytes + (onBroker.BasicProperties.MessageId?.Length ?? 0) + (onBroker.BasicProperties.Type?.Length ?? 0);
            Assert.True(size < 4096, $"the broker message is {size} bytes");
            Assert.Equal(0, onBroker.Body.Length);
            Assert.Equal("damaged", Encoding.UTF8.GetString((byte[])onBroker.BasicProperties.Headers!["return-reason"]!));
            await channel.CloseAsync(Ct);
        }

        var received = new ConcurrentBag<Ping>();
        await bus.SubscribeAsync(SubscriptionDefinition.Create(Name("returns"), s => s.Handle<Ping>((m, _, _) =>
        {
            received.Add(m);
            return Task.CompletedTask;
        })), Ct);
        await Eventually.TrueAsync(() => !received.IsEmpty, "the 5 MB message");
        Assert.Equal(SHA256.HashData(photo), SHA256.HashData(Convert.FromBase64String(Assert.Single(received).Text!)));

        var store = node.GetRequiredService<IBlobStore>();
        Assert.IsType<AzureBlobStore>(store);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(99, 99)]
    [InlineData(1234, 1200)]
    [InlineData(987_654, 980_000)]
    public void Bucket_RoundsToTwoSignificantDigits(long milliseconds, long expected) =>
        Assert.Equal(expected, RabbitMqMessageTransport.Bucket(milliseconds));
}
