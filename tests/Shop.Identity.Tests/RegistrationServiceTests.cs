using Microsoft.Extensions.Time.Testing;
using Shop.Identity.Adapters;
using Shop.Identity.Users;

namespace Shop.Identity.Tests;

/// <summary>The hexagon's core on the in-memory adapter: no database, milliseconds per test.</summary>
public sealed class RegistrationServiceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Register_ValidInput_StoresUserAndOneEvent()
    {
        var store = new InMemoryUserStore();
        var service = new RegistrationService(store, new FakeTimeProvider(Now));

        var result = await service.RegisterAsync("  Ada@Example.COM ", "Ada", TestContext.Current.CancellationToken);

        Assert.NotNull(result.User);
        Assert.Equal("ada@example.com", result.User.Email.Value);
        Assert.Equal(Now, result.User.RegisteredAt);
        var registered = Assert.Single(store.Events);
        Assert.Equal(result.User.Id, registered.UserId);
    }

    [Fact]
    public async Task Register_SameEmailDifferentCase_IsTakenAndAnnouncedOnce()
    {
        var store = new InMemoryUserStore();
        var service = new RegistrationService(store, new FakeTimeProvider(Now));

        await service.RegisterAsync("grace@example.com", "Grace", TestContext.Current.CancellationToken);
        var second = await service.RegisterAsync("GRACE@example.com", "Grace Again", TestContext.Current.CancellationToken);

        Assert.True(second.IsEmailTaken);
        Assert.Single(store.Events);
    }

    [Theory]
    [InlineData("not-an-email", "Ada", "email")]
    [InlineData("a@b", "Ada", "email")]
    [InlineData("two@@example.com", "Ada", "email")]
    [InlineData("ada@example.com", "   ", "displayName")]
    [InlineData(null, null, "email")]
    public async Task Register_InvalidInput_StoresNothingAndSaysWhy(string? email, string? name, string field)
    {
        var store = new InMemoryUserStore();
        var service = new RegistrationService(store, new FakeTimeProvider(Now));

        var result = await service.RegisterAsync(email, name, TestContext.Current.CancellationToken);

        Assert.Null(result.User);
        Assert.Contains(result.Errors, e => e.Contains(field, StringComparison.Ordinal));
        Assert.Empty(store.Events);
    }

    [Fact]
    public async Task Register_TwoUsers_GetTimeOrderedIds()
    {
        var clock = new FakeTimeProvider(Now);
        var service = new RegistrationService(new InMemoryUserStore(), clock);

        var first = await service.RegisterAsync("a@example.com", "A", TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromMilliseconds(5));
        var second = await service.RegisterAsync("b@example.com", "B", TestContext.Current.CancellationToken);

        Assert.True(first.User!.Id.CompareTo(second.User!.Id) < 0);
    }
}
