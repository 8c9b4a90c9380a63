using System.Text;
using Bulwark.Testing;
using RabbitMQ.Client;

namespace Bulwark.Infrastructure.Tests;

public sealed class RabbitMqSmokeTests
{
    [Fact]
    public async Task PublishThenGet_OnTemporaryQueue_ReturnsTheMessage()
    {
        await RealServers.RequireAsync(RealServer.RabbitMq);
        var ct = TestContext.Current.CancellationToken;
        var factory = new ConnectionFactory { Uri = RealServers.RabbitMqUri, ClientProvidedName = "bulwark-infra-tests" };
        await using var connection = await factory.CreateConnectionAsync(ct);
        // Confirms make the publish return only once the broker has enqueued the message, so the get cannot race it.
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        var queue = $"bulwark.infra-tests.{Guid.NewGuid():N}";
        var body = Encoding.UTF8.GetBytes($"hello {queue}");

        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false, arguments: null, cancellationToken: ct);
        try
        {
            await channel.BasicPublishAsync(exchange: string.Empty, routingKey: queue, body: body, cancellationToken: ct);
            var result = await channel.BasicGetAsync(queue, autoAck: true, ct);

            Assert.NotNull(result);
            Assert.Equal(body, result.Body.ToArray());
        }
        finally
        {
            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: ct);
        }
    }
}
