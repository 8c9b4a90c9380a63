using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Bulwark.Messaging;
using Bulwark.Messaging.Subscriptions;
using Bulwark.Testing;
using Microsoft.Extensions.DependencyInjection;
using Shop.Identity.Contracts;
using Shop.Notifications.Contracts;

namespace Shop.Host.Tests;

/// <summary>Sign-up over HTTP: the user and <c>UserRegistered</c> leave through the outbox relay onto the bus.</summary>
public sealed class SignUpTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignUp_Valid_Returns201AndRelaysUserRegisteredOnce()
    {
        await using var shop = (await RunningShop.StartAsync()).AsPartner();
        // A subscriber the shop has never heard of, added at run time: no publisher code knows about it (pub/sub).
        var received = new ConcurrentQueue<(UserRegistered Event, string MessageId)>();
        var bus = shop.Services.GetRequiredService<IMessageBus>();
        await using var subscription = await bus.SubscribeAsync(SubscriptionDefinition.Create("test-audit-" + Guid.NewGuid().ToString("N"), s => s
            .FromTopic(UserRegistered.Topic)
            .Handle<UserRegistered>((e, context, _) =>
            {
                received.Enqueue((e, context.Envelope.MessageId));
                return Task.CompletedTask;
            })), Ct);

        using var response = await shop.Client.PostAsJsonAsync("/api/users", new { email = "ada@example.com", displayName = "Ada", password = ShopCustomer.Password }, Ct);
        var user = await response.Content.ReadFromJsonAsync<UserDto>(Ct);
        var fetched = await shop.Admin.GetFromJsonAsync<UserDto>($"/api/users/{user!.Id}", Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(user, fetched);
        await Eventually.WaitAsync(() => Task.FromResult(received.Count), n => n >= 1, "the test subscriber receives UserRegistered");
        // Fan-out, not competition: the shop's own subscriber got the same event too.
        var mail = await Eventually.WaitAsync(
            () => shop.Admin.GetFromJsonAsync<NotificationDto[]>($"/api/notifications?userId={user.Id}", Ct)!,
            m => m!.Length >= 1, "the welcome mail is written");
        var (registered, messageId) = Assert.Single(received);
        Assert.Equal(user.Id, registered.UserId);
        Assert.Equal(messageId, Assert.Single(mail!).MessageId);
    }

    [Fact]
    public async Task SignUp_EmailAlreadyRegistered_Returns409()
    {
        await using var shop = await RunningShop.StartAsync();

        using var first = await shop.Client.PostAsJsonAsync("/api/users", new { email = "grace@example.com", displayName = "Grace", password = ShopCustomer.Password }, Ct);
        using var second = await shop.Client.PostAsJsonAsync("/api/users", new { email = "Grace@Example.com", displayName = "Imposter", password = ShopCustomer.Password }, Ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("{\"email\":\"nope\",\"displayName\":\"X\"}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("{\"email\":\"x@example.com\",\"displayName\":\"\"}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("{not json", HttpStatusCode.BadRequest)]
    public async Task SignUp_BadInput_ReturnsProblem(string body, HttpStatusCode expected)
    {
        await using var shop = await RunningShop.StartAsync();

        using var response = await shop.Client.PostAsync("/api/users", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
