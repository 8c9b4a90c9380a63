using System.Net;
using Bulwark.Data;
using Bulwark.Messaging;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Identity;
using Shop.Identity.Contracts;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Messaging;
using Shop.Infrastructure.Modules;
using Shop.Notifications.Host;
using Shop.Orders.Contracts;

namespace Shop.Notifications.Tests;

/// <summary>
/// The Notifications module on its own (Codex 31, Team Autonomy): composed alone with the embedded bus and its own
/// database, driven only by the events it consumes; Identity's contract reached over HTTP as the extracted service does.
/// </summary>
public sealed class NotificationsModuleTests : IAsyncLifetime
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "bulwark-notifications-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<Guid, UserDto> _users = [];
    private IHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration[$"{ShopDataOptions.SectionName}:{nameof(ShopDataOptions.Path)}"] = _dataPath;
        Directory.CreateDirectory(_dataPath);
        builder.Services.AddLogging();
        builder.Services.AddMetrics();
        builder.Services.AddShopMessaging(builder.Configuration);
        builder.Services.AddSingleton<IIdentityApi>(new Users(_users));
        builder.Services.AddShopModule<NotificationsModule>(builder.Configuration);
        _host = builder.Build();
        await _host.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    [Fact]
    public async Task SignUp_WelcomeMailOnce_EvenWhenTheEventComesTwice()
    {
        var user = Guid.NewGuid();
        _users[user] = new UserDto(user, "ada@example.com", "Ada", DateTimeOffset.UtcNow);
        var registered = new UserRegistered(user, "ada@example.com", "Ada", DateTimeOffset.UtcNow);
        var id = Guid.NewGuid().ToString();

        await PublishAsync(registered, id);
        await PublishAsync(registered, id);
        await PublishAsync(new OrderConfirmed(Guid.NewGuid(), user, 1250, "EUR", DateTimeOffset.UtcNow));

        var mail = await MailAsync(user, 2);
        // The duplicate wrote nothing: exactly one welcome beside the order's mail (the two topics may arrive in either order).
        Assert.Equal(["order-confirmation", "welcome"], mail.Select(m => m.Kind).Order(StringComparer.Ordinal));
        Assert.All(mail, m => Assert.Equal("ada@example.com", m.Recipient));
    }

    [Fact]
    public async Task ForgottenBeforeTheSignUpArrives_TheWelcomeMailNamesNobody()
    {
        var user = Guid.NewGuid();

        // CustomerForgotten overtakes the sign-up on the bus (they travel on different topics).
        await PublishAsync(new CustomerForgotten(user, DateTimeOffset.UtcNow));
        await WaitForInboxAsync(1);
        await PublishAsync(new UserRegistered(user, "grace@example.com", "Grace", DateTimeOffset.UtcNow));

        var welcome = Assert.Single(await MailAsync(user, 1));
        Assert.Null(welcome.Recipient);
        Assert.DoesNotContain("Grace", welcome.Body, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync("SELECT COUNT(*) FROM notifications_recipients;"));
    }

    [Fact]
    public async Task Forgotten_AfterMail_ScrubsItAndForgetsTheAddress_OthersKeepTheirs()
    {
        var ada = Guid.NewGuid();
        var bob = Guid.NewGuid();
        await PublishAsync(new UserRegistered(ada, "ada@example.com", "Ada", DateTimeOffset.UtcNow));
        await PublishAsync(new UserRegistered(bob, "bob@example.com", "Bob", DateTimeOffset.UtcNow));
        await MailAsync(ada, 1);
        await MailAsync(bob, 1);

        await PublishAsync(new CustomerForgotten(ada, DateTimeOffset.UtcNow));

        await Eventually.TrueAsync(async () => (await MailAsync(ada, 1))[0].Recipient is null, "Ada's mail to be scrubbed");
        Assert.DoesNotContain("Ada", (await MailAsync(ada, 1))[0].Body, StringComparison.Ordinal);
        Assert.Equal(("bob@example.com", true), ((await MailAsync(bob, 1))[0].Recipient, (await MailAsync(bob, 1))[0].Body.Contains("Bob", StringComparison.Ordinal)));
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM notifications_recipients;"));
    }

    [Fact]
    public async Task RemoteIdentity_AnswersAsInProcess_AndAWrongKeyIsAnErrorThatNamesTheSetting()
    {
        var known = new UserDto(Guid.NewGuid(), "lin@example.com", "Lin", DateTimeOffset.UnixEpoch);
        await using var shop = WebApplication.CreateSlimBuilder(["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]).Build();
        shop.MapGet("/api/users/{id:guid}", (Guid id, HttpRequest request) =>
            request.Headers["X-Api-Key"] != "operator-key-0123456789" ? Results.StatusCode(StatusCodes.Status403Forbidden)
            : id == known.Id ? Results.Json(known)
            : Results.NotFound());
        await shop.StartAsync(Ct);
        var address = new Uri(shop.Urls.First());

        var right = Identity(address, "operator-key-0123456789");
        var wrong = Identity(address, "someone-elses-key-0123");

        Assert.Equal(known, await right.FindUserAsync(known.Id, Ct));
        Assert.Null(await right.FindUserAsync(Guid.NewGuid(), Ct));
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => wrong.FindUserAsync(known.Id, Ct));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Shop:Identity:Remote:ApiKey", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HttpRequestException>(() => Identity(new Uri($"http://127.0.0.1:{FreePort.Refusing}"), "operator-key-0123456789").FindUserAsync(known.Id, Ct));
    }

    [Fact]
    public void Service_OnTheEmbeddedTransport_RefusesToStartNamingTheSetting()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => NotificationsServiceApp.Build(["--urls=http://127.0.0.1:0", "--Shop:Messaging:Transport=Sqlite"]));

        Assert.Contains("Shop:Messaging:Transport=RabbitMq", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Service_OutsideDevelopment_RefusesTheShopsDemoSecrets()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => NotificationsServiceApp.Build(
            ["--urls=http://127.0.0.1:0", "--environment=Production", "--Shop:Auth:SigningKey=demo-signing-key-change-me-0123456789abcdef"]));

        Assert.Contains("Shop:Auth:SigningKey", refused.Message, StringComparison.Ordinal);
    }

    private static IIdentityApi Identity(Uri shop, string key)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Shop:Identity:Remote:Url"] = shop.ToString(),
            ["Shop:Identity:Remote:ApiKey"] = key,
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddShopModule<RemoteIdentityModule>(configuration);
        return services.BuildServiceProvider().GetRequiredService<IIdentityApi>();
    }

    private async Task PublishAsync<T>(T message, string? messageId = null)
        where T : notnull =>
        await _host.Services.GetRequiredService<IMessageBus>().PublishAsync(message, new MessageOptions { MessageId = messageId ?? Guid.NewGuid().ToString() }, Ct);

    private async Task<IReadOnlyList<Contracts.NotificationDto>> MailAsync(Guid user, int atLeast)
    {
        var database = _host.Services.GetRequiredService<ModuleDatabase<NotificationsModule>>();
        IReadOnlyList<Contracts.NotificationDto> mail = [];
        await Eventually.TrueAsync(
            async () =>
            {
                await using var connection = await database.OpenAsync(Ct);
                await using var query = connection.CreateCommand("SELECT id, kind, recipient, subject, body, message_id FROM notifications_outbox WHERE user_id = @u ORDER BY id;").With("u", user.ToString());
                mail = await query.ReadAllAsync(r => new Contracts.NotificationDto(r.GetInt64(0), user, r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), default), Ct);
                return mail.Count >= atLeast;
            },
            $"{atLeast} mail(s) for {user}");
        return mail;
    }

    private Task WaitForInboxAsync(long handled) =>
        Eventually.TrueAsync(async () => await ScalarAsync("SELECT COUNT(*) FROM notifications_forgotten;") >= handled, "the erasure to be handled");

    private async Task<long> ScalarAsync(string sql)
    {
        var database = _host.Services.GetRequiredService<ModuleDatabase<NotificationsModule>>();
        await using var connection = await database.OpenAsync(Ct);
        await using var query = connection.CreateCommand(sql);
        return Convert.ToInt64(await query.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed class Users(Dictionary<Guid, UserDto> users) : IIdentityApi
    {
        public Task<UserDto?> FindUserAsync(Guid userId, CancellationToken cancellationToken) =>
            Task.FromResult(users.TryGetValue(userId, out var user) ? user : null);
    }
}
