using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Bulwark.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Shop.Identity.Contracts;

namespace Shop.Host.Tests;

/// <summary>Sign-up over HTTP: the user and <c>UserRegistered</c> leave through the outbox relay.</summary>
public sealed class SignUpTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignUp_Valid_Returns201AndRelaysUserRegisteredOnce()
    {
        var recorder = new RecordingSubscriber();
        await using var shop = await RunningShop.StartAsync(services: s => s.AddSingleton<IOutboxSubscriber>(recorder));

        using var response = await shop.Client.PostAsJsonAsync("/api/users", new { email = "ada@example.com", displayName = "Ada" }, Ct);
        var user = await response.Content.ReadFromJsonAsync<UserDto>(Ct);
        var fetched = await shop.Client.GetFromJsonAsync<UserDto>($"/api/users/{user!.Id}", Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(user, fetched);
        var registered = await recorder.WaitForAsync(UserRegistered.Topic);
        Assert.Equal(user.Id, registered.ReadJson<UserRegistered>()!.UserId);
        Assert.Single(recorder.Messages, m => m.Topic == UserRegistered.Topic);
    }

    [Fact]
    public async Task SignUp_EmailAlreadyRegistered_Returns409()
    {
        await using var shop = await RunningShop.StartAsync();

        using var first = await shop.Client.PostAsJsonAsync("/api/users", new { email = "grace@example.com", displayName = "Grace" }, Ct);
        using var second = await shop.Client.PostAsJsonAsync("/api/users", new { email = "Grace@Example.com", displayName = "Imposter" }, Ct);

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

    private sealed class RecordingSubscriber : IOutboxSubscriber
    {
        public ConcurrentQueue<OutboxMessage> Messages { get; } = new();

        public Task HandleAsync(OutboxMessage message, CancellationToken cancellationToken)
        {
            Messages.Enqueue(message);
            return Task.CompletedTask;
        }

        public async Task<OutboxMessage> WaitForAsync(string topic)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                if (Messages.FirstOrDefault(m => m.Topic == topic) is { } message)
                {
                    return message;
                }

                await Task.Delay(50, Ct);
            }

            Assert.Fail($"No {topic} message was relayed within 10 s.");
            return null!;
        }
    }
}
