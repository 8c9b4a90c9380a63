using System.Net;
using System.Net.Http.Json;
using Bulwark.Testing;
using Shop.Externals.Hosting;
using Shop.Externals.PaymentProvider;
using Shop.Infrastructure.Data;
using Shop.Notifications.Contracts;
using Shop.Notifications.Host;

namespace Shop.Host.Tests;

/// <summary>
/// Codex 31 with a module that takes part in the bus: Notifications in its own process (<c>Shop.Notifications.Host</c>,
/// its own data) consumes the shop's events from the real RabbitMQ broker, reaches Identity's contract over HTTP, and
/// the shop forwards <c>GET /api/notifications</c> to it. The shop's code is unchanged; only composition differs.
/// In the RabbitMQ collection: the module queues have fixed names.
/// </summary>
[Collection(RabbitMqShopTestGroup.Name)]
public sealed class NotificationsExtractedTests
{
    private static readonly string[] Quiet = ["--Logging:LogLevel:Default=Warning", .. HostLogFile.ConsoleOff];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Notifications_ModeRemote_MailFlowsThroughTheServiceOverTheBrokerAndTheShopKeepsNoTables()
    {
        await RealServers.RequireAsync(RealServer.RabbitMq);
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var exchange = "shop-test-" + suffix;
        var deadLetters = "shop-test-dlq-" + suffix;
        string[] broker =
        [
            "--Shop:Messaging:Transport=RabbitMq",
            $"--Shop:Messaging:RabbitMq:ConnectionUri={RealServers.RabbitMqUri}",
            $"--Shop:Messaging:RabbitMq:Exchange={exchange}",
            $"--Shop:Messaging:RabbitMq:DeadLetterQueue={deadLetters}",
        ];
        await RabbitMqShopTests.DeleteQueuesAsync(RabbitMqShopTests.ShopQueues);
        var serviceData = Path.Combine(Path.GetTempPath(), "bulwark-notifications-service-" + Guid.NewGuid().ToString("N"));
        var shopPort = FreePort.Next();
        try
        {
            await using var provider = HostLogFile.LogToFile(PaymentProviderApp.Create("http://127.0.0.1:0", [.. Quiet]), "payments");
            await provider.StartAsync(Ct);

            // The service first (it declares and binds its queue before the shop publishes), pointed at the shop's port.
            await using var service = NotificationsServiceApp.Build(
            [
                "--urls=http://127.0.0.1:0",
                "--environment=Development",
                $"--Shop:Data:Path={serviceData}",
                .. broker,
                $"--Shop:Admin:ApiKeys:0={RunningShop.AdminKey}",
                "--Shop:Auth:SigningKey=demo-signing-key-change-me-0123456789abcdef",
                $"--Shop:Identity:Remote:Url=http://127.0.0.1:{shopPort}",
                $"--Shop:Identity:Remote:ApiKey={RunningShop.AdminKey}",
                "--Shop:Identity:Remote:Timeout=00:00:10",
                .. Quiet,
            ]);
            HostLogFile.LogToFile(service, "notifications-service");
            await service.StartAsync(Ct);
            await using var shop = await RunningShop.StartAsync(
                null,
                null,
                [
                    $"--urls=http://127.0.0.1:{shopPort}",
                    $"--Shop:Externals:PaymentProviderUrl={provider.BaseAddress()}",
                    .. RunningShop.RoomyPaymentBudgets,
                    .. broker,
                    "--Shop:Notifications:Mode=Remote",
                    $"--Shop:Notifications:Url={service.BaseAddress()}",
                    "--Shop:Notifications:Timeout=00:00:30",
                ]);

            // A sign-up in the shop: the welcome mail is written by the service, read through the shop.
            using var customer = await shop.NewCustomerAsync("Grace Hopper");
            var welcome = await Eventually.WaitAsync(
                () => shop.Admin.GetFromJsonAsync<NotificationDto[]>($"/api/notifications?userId={customer.Id}", Ct)!, m => m!.Length >= 1, "the welcome mail from the service");
            Assert.Equal(("welcome", customer.Email), (Assert.Single(welcome!).Kind, welcome![0].Recipient));
            using (var stranger = new HttpClient { BaseAddress = service.BaseAddress() })
            {
                // The service checks callers itself: reaching it past the shop gains a stranger nothing.
                using var refused = await stranger.GetAsync($"/api/notifications?userId={customer.Id}", Ct);
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }

            using (var direct = new HttpClient { BaseAddress = service.BaseAddress() })
            {
                direct.DefaultRequestHeaders.Add("X-Api-Key", RunningShop.AdminKey);
                Assert.Equal(
                    await direct.GetStringAsync($"/api/notifications?userId={customer.Id}", Ct),
                    await shop.Admin.GetStringAsync($"/api/notifications?userId={customer.Id}", Ct));
            }

            // The customer reads their own mail with their token (checked by the shop, then by the service); someone
            // else's is not theirs to read, and an anonymous caller is refused by the shop before anything is forwarded.
            Assert.Single((await customer.Client.GetFromJsonAsync<NotificationDto[]>("/api/notifications", Ct))!);
            using (var others = await customer.Client.GetAsync($"/api/notifications?userId={Guid.NewGuid()}", Ct))
            {
                Assert.Equal(HttpStatusCode.NotFound, others.StatusCode);
            }

            using (var anonymous = await shop.Client.GetAsync($"/api/notifications?userId={customer.Id}", Ct))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            }

            // An order's outcome mail needs the address from Identity: the service asks the shop over HTTP.
            await ReturnsTests.PlaceOrderAsync(customer.Client);
            var mail = await Eventually.WaitAsync(
                () => shop.Admin.GetFromJsonAsync<NotificationDto[]>($"/api/notifications?userId={customer.Id}", Ct)!, m => m!.Length >= 2, "the order's mail from the service");
            Assert.Equal("order-confirmation", mail![1].Kind);
            Assert.Equal(customer.Email, mail[1].Recipient);

            // Forgetting the customer reaches the service through the broker too.
            (await shop.Admin.DeleteAsync($"/api/users/{customer.Id}/personal-data", Ct)).EnsureSuccessStatusCode();
            await Eventually.WaitAsync(
                () => shop.Admin.GetFromJsonAsync<NotificationDto[]>($"/api/notifications?userId={customer.Id}", Ct)!,
                m => m!.All(n => n.Recipient is null && !n.Body.Contains("Grace", StringComparison.Ordinal)),
                "the service to scrub the forgotten customer's mail");

            // The shop holds no notifications tables and consumed nothing: the service's database holds the mail.
            Assert.Equal(0L, await shop.CountTablesAsync("notifications"));
            Assert.True(File.Exists(Path.Combine(serviceData, ShopDataOptions.DefaultFileName)));

            // The service stopped: the shop answers a 503 problem, not a 500.
            await service.StopAsync(Ct);
            using var down = await shop.Admin.GetAsync($"/api/notifications?userId={customer.Id}", Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Equal("application/problem+json", down.Content.Headers.ContentType?.MediaType);
        }
        finally
        {
            await RabbitMqShopTests.CleanUpAsync(exchange, deadLetters, container: null);
        }
    }

    [Fact]
    public async Task Notifications_ModeRemoteOnTheEmbeddedTransport_RefusesToStartNamingTheSetting()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => RunningShop.StartAsync(null, null, ["--Shop:Notifications:Mode=Remote"]));

        Assert.Contains("Shop:Messaging:Transport=RabbitMq", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Service_OnTheEmbeddedTransport_RefusesToStartNamingTheSetting()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => NotificationsServiceApp.Build(["--urls=http://127.0.0.1:0", "--Shop:Messaging:Transport=Sqlite", .. Quiet]));

        Assert.Contains("Shop:Messaging:Transport=RabbitMq", refused.Message, StringComparison.Ordinal);
    }
}
