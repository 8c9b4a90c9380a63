using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Blobs;
using Bulwark.Testing;
using RabbitMQ.Client;
using Shop.Identity.Contracts;
using Shop.Notifications.Contracts;
using Shop.Returns.Contracts;
using Shop.Rewards.Contracts;

namespace Shop.Host.Tests;

/// <summary>
/// The same flows on real servers: RabbitMQ as the transport (unique exchange and DLQ per run) and Azurite as the
/// claim-check store (unique container). The subscription queues keep the module names and are deleted afterwards.
/// </summary>
[Collection(RabbitMqShopTestGroup.Name)]
public sealed class RabbitMqShopTests
{
    internal static readonly string[] ShopQueues = ["notifications", "rewards", "analytics", "returns", "wallet"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Shop_OnRabbitMqAndAzurite_SignUpFansOutAndReturnsUseClaimCheckAndDlq()
    {
        await RealServers.RequireAsync(RealServer.RabbitMq);
        await RealServers.RequireAsync(RealServer.Azurite);
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var exchange = "shop-test-" + suffix;
        var deadLetters = "shop-test-dlq-" + suffix;
        var container = "shop-test-" + suffix;
        // The module queues have fixed names, declared with the dead-letter queue as an argument: one left by an earlier
        // run (or the fleet's tests) with another dead-letter queue would refuse this shop's declaration.
        await DeleteQueuesAsync(ShopQueues);
        try
        {
            await using var shop = (await RunningShop.StartAsync(
                null,
                null,
                "--Shop:Messaging:Transport=RabbitMq",
                $"--Shop:Messaging:RabbitMq:ConnectionUri={RealServers.RabbitMqUri}",
                $"--Shop:Messaging:RabbitMq:Exchange={exchange}",
                $"--Shop:Messaging:RabbitMq:DeadLetterQueue={deadLetters}",
                "--Shop:Messaging:BlobStore=AzureBlob",
                $"--Shop:Messaging:AzureBlob:ConnectionString={RealServers.AzuriteConnectionString}",
                $"--Shop:Messaging:AzureBlob:ContainerName={container}",
                "--Shop:Messaging:AzureBlob:ServiceVersion=V2025_11_05")).AsPartner();

            // Readiness includes the broker.
            using var ready = await shop.Client.GetAsync("/health/ready", Ct);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Contains("rabbitmq", await ready.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

            using var signUp = await shop.Client.PostAsJsonAsync("/api/users", new { email = "rabbit@example.com", displayName = "Rabbit", password = ShopCustomer.Password }, Ct);
            var user = (await signUp.Content.ReadFromJsonAsync<UserDto>(Ct))!;
            var mail = await Eventually.WaitAsync(
                () => shop.Admin.GetFromJsonAsync<NotificationDto[]>($"/api/notifications?userId={user.Id}", Ct)!, m => m!.Length >= 1, "welcome mail over RabbitMQ");
            var rewards = await Eventually.WaitAsync(
                () => shop.Admin.GetFromJsonAsync<RewardsDto>($"/api/rewards/{user.Id}", Ct)!, r => r!.Points >= 100, "welcome points over RabbitMQ");
            Assert.Single(mail!);
            Assert.Equal(100, rewards!.Points);

            var photo = ReturnsTests.Png(3 * 1024 * 1024);
            using var customer = await shop.NewCustomerAsync();
            var order = await ReturnsTests.PlaceOrderAsync(customer.Client);
            using var good = await ReturnsTests.PostReturnAsync(customer.Client, order, "Too small", [photo]);
            using var poison = await ReturnsTests.PostReturnAsync(customer.Client, order, "Broken", ["not an image"u8.ToArray()]);
            var goodId = (await good.Content.ReadFromJsonAsync<ReturnDto>(Ct))!.Id;
            var poisonId = (await poison.Content.ReadFromJsonAsync<ReturnDto>(Ct))!.Id;

            var done = await ReturnsTests.WaitForStatusAsync(customer.Client, goodId, "completed");
            Assert.True(done.ClaimChecked);
            Assert.InRange(done.MessageBodyBytes!.Value, 0, 4 * 1024);
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(photo)), Assert.Single(done.Photos).Sha256);
            await ReturnsTests.WaitForStatusAsync(customer.Client, poisonId, "rejected");
            var letters = await Eventually.WaitAsync(
                () => shop.Admin.GetFromJsonAsync<JsonElement[]>("/admin/dlq?queue=returns", Ct)!, l => l!.Length >= 1, "the poison return in the RabbitMQ DLQ");
            Assert.Equal(poisonId.ToString(), Assert.Single(letters!).GetProperty("messageId").GetString());
        }
        finally
        {
            await CleanUpAsync(exchange, deadLetters, container);
        }
    }

    internal static async Task DeleteQueuesAsync(IEnumerable<string> queues)
    {
        var factory = new ConnectionFactory { Uri = RealServers.RabbitMqUri };
        await using var connection = await factory.CreateConnectionAsync(CancellationToken.None);
        foreach (var queue in queues)
        {
            await using var channel = await connection.CreateChannelAsync(cancellationToken: CancellationToken.None);
            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: CancellationToken.None);
        }
    }

    internal static async Task CleanUpAsync(string exchange, string deadLetters, string? container)
    {
        await DeleteQueuesAsync(ShopQueues.Append(deadLetters));
        var factory = new ConnectionFactory { Uri = RealServers.RabbitMqUri };
        await using (var connection = await factory.CreateConnectionAsync(CancellationToken.None))
        {
            await using var last = await connection.CreateChannelAsync(cancellationToken: CancellationToken.None);
            await last.ExchangeDeleteAsync(exchange, ifUnused: false, cancellationToken: CancellationToken.None);
        }

        if (container is not null)
        {
            await new BlobContainerClient(RealServers.AzuriteConnectionString, container, new BlobClientOptions(BlobClientOptions.ServiceVersion.V2025_11_05))
                .DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
        }
    }
}
