using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using Bulwark.Outbox;
using Bulwark.Outbox.Messaging;
using Bulwark.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Shop.Analytics.Contracts;
using Shop.Identity.Contracts;
using Shop.Notifications.Contracts;
using Shop.Orders.Contracts;
using Shop.Rewards.Contracts;

namespace Shop.Host.Tests;

/// <summary>Notifications, rewards and analytics subscribe to sign-up; each is idempotent through its inbox.</summary>
public sealed class SubscriberTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignUp_RelayPublishesTwice_EachSubscriberActsExactlyOnce()
    {
        // The relay is at least once: make it publish every outbox row twice, with the same message id.
        await using var shop = (await RunningShop.StartAsync(services: s => s.Replace(ServiceDescriptor.Singleton<IOutboxTransport>(
            sp => new TwiceTransport(ActivatorUtilities.CreateInstance<BusOutboxTransport>(sp)))))).AsPartner();
        using var deliveries = new MetricCollector<long>(shop.Services.GetRequiredService<IMeterFactory>(), "Bulwark.Messaging", "bulwark.messaging.deliveries");

        using var response = await shop.Client.PostAsJsonAsync("/api/users", new { email = "lin@example.com", displayName = "Lin", password = ShopCustomer.Password }, Ct);
        var user = (await response.Content.ReadFromJsonAsync<UserDto>(Ct))!;

        // Both copies were delivered to and acked by every subscription (the second one as a skipped duplicate).
        foreach (var queue in new[] { "notifications", "rewards", "analytics" })
        {
            await Eventually.WaitAsync(
                () => Task.FromResult(Acked(deliveries, queue)), n => n >= 2, $"two deliveries of UserRegistered acked on '{queue}'");
        }

        var mail = await shop.Admin.GetFromJsonAsync<NotificationDto[]>($"/api/notifications?userId={user.Id}", Ct);
        var rewards = await shop.Admin.GetFromJsonAsync<RewardsDto>($"/api/rewards/{user.Id}", Ct);
        var counts = await shop.Admin.GetFromJsonAsync<EventCountDto[]>("/api/analytics/events", Ct);
        var welcome = Assert.Single(mail!);
        Assert.Equal("welcome", welcome.Kind);
        Assert.Equal("lin@example.com", welcome.Recipient);
        var credit = Assert.Single(rewards!.Credits);
        Assert.Equal(100, rewards.Points);
        Assert.Equal(welcome.MessageId, credit.MessageId);
        Assert.Equal(1, Assert.Single(counts!, c => c.EventType == UserRegistered.Topic).Count);
        Assert.Equal(0, Acked(deliveries, "notifications", "dead_lettered") + Acked(deliveries, "rewards", "retried"));
    }

    [Fact]
    public async Task OrderPlacedThenConfirmed_FromTheOutbox_ConfirmsAwardsAndCountsWithoutPublisherKnowingSubscribers()
    {
        await using var shop = (await RunningShop.StartAsync()).AsPartner();
        using var signUp = await shop.Client.PostAsJsonAsync("/api/users", new { email = "ord@example.com", displayName = "Ord", password = ShopCustomer.Password }, Ct);
        var user = (await signUp.Content.ReadFromJsonAsync<UserDto>(Ct))!;
        await Eventually.WaitAsync(
            () => shop.Admin.GetFromJsonAsync<NotificationDto[]>($"/api/notifications?userId={user.Id}", Ct)!, m => m!.Length == 1, "the welcome mail");

        // What the Orders module does when it accepts an order and when the order is confirmed: each event into the
        // outbox, in its own transaction. Mail and points follow the confirmation, the count follows the placing.
        var placed = new OrderPlaced(Guid.NewGuid(), user.Id, [new OrderLine(1, 2, 1250)], 2500, "EUR", DateTimeOffset.UnixEpoch);
        var confirmed = new OrderConfirmed(placed.OrderId, user.Id, 2500, "EUR", DateTimeOffset.UnixEpoch);
        foreach (var (topic, payload) in new (string, object)[] { (OrderPlaced.Topic, placed), (OrderConfirmed.Topic, confirmed) })
        {
            await using var connection = await shop.OpenDatabaseAsync();
            await using var transaction = await connection.BeginTransactionAsync(Ct);
            await shop.Services.GetRequiredService<IOutbox>().EnqueueJsonAsync(connection, transaction, topic, placed.OrderId.ToString(), payload, cancellationToken: Ct);
            await transaction.CommitAsync(Ct);
        }

        var mail = await Eventually.WaitAsync(
            () => shop.Admin.GetFromJsonAsync<NotificationDto[]>($"/api/notifications?userId={user.Id}", Ct)!, m => m!.Length == 2, "the order confirmation");
        var rewards = await Eventually.WaitAsync(
            () => shop.Admin.GetFromJsonAsync<RewardsDto>($"/api/rewards/{user.Id}", Ct)!, r => r!.Credits.Count == 2, "the order points");
        var counts = await Eventually.WaitAsync(
            () => shop.Admin.GetFromJsonAsync<EventCountDto[]>("/api/analytics/events", Ct)!, c => c!.Any(e => e.EventType == OrderPlaced.Topic), "the order counted");
        var confirmation = mail![1];
        Assert.Equal("order-confirmation", confirmation.Kind);
        Assert.Equal("ord@example.com", confirmation.Recipient);
        Assert.Contains("25.00 EUR", confirmation.Body, StringComparison.Ordinal);
        Assert.Equal(100 + 25, rewards!.Points);
        Assert.Equal(1, Assert.Single(counts!, c => c.EventType == OrderPlaced.Topic).Count);
    }

    [Fact]
    public async Task Subscribers_UnknownUser_HaveNothing()
    {
        await using var shop = (await RunningShop.StartAsync()).AsPartner();
        var id = Guid.NewGuid();

        var mail = await shop.Admin.GetFromJsonAsync<NotificationDto[]>($"/api/notifications?userId={id}", Ct);
        var rewards = await shop.Admin.GetFromJsonAsync<RewardsDto>($"/api/rewards/{id}", Ct);
        using var bad = await shop.Admin.GetAsync("/api/notifications?userId=nope", Ct);

        Assert.Empty(mail!);
        Assert.Equal(0, rewards!.Points);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private static long Acked(MetricCollector<long> collector, string queue, string outcome = "acked") =>
        collector.GetMeasurementSnapshot()
            .Where(m => m.Tags.TryGetValue("queue", out var q) && Equals(q, queue) && m.Tags.TryGetValue("outcome", out var o) && Equals(o, outcome))
            .Sum(m => m.Value);

    private sealed class TwiceTransport(IOutboxTransport inner) : IOutboxTransport
    {
        public async Task PublishAsync(OutboxMessage message, CancellationToken cancellationToken)
        {
            await inner.PublishAsync(message, cancellationToken);
            await inner.PublishAsync(message, cancellationToken);
        }
    }
}
