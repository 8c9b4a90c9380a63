using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
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
        var service = new RegistrationService(store, new AspNetPasswordHashing(Options.Create(new PasswordHasherOptions())), new FakeTimeProvider(Now));

        var result = await service.RegisterAsync("  Ada@Example.COM ", "Ada", "correct-horse-battery", TestContext.Current.CancellationToken);

        Assert.NotNull(result.User);
        Assert.Equal("ada@example.com", result.User.Email.Value);
        Assert.Equal(Now, result.User.RegisteredAt);
        var registered = Assert.Single(store.Events);
        Assert.Equal(result.User.Id, registered.UserId);
    }

    [Fact]
    public async Task Forget_ErasesPersonalDataAndPassword_AnnouncedOnce_AndTheEmailIsFreeAgain()
    {
        var store = new InMemoryUserStore();
        var clock = new FakeTimeProvider(Now);
        var service = new RegistrationService(store, new AspNetPasswordHashing(Options.Create(new PasswordHasherOptions())), clock);
        var ada = (await service.RegisterAsync("ada@example.com", "Ada", "correct-horse-battery", TestContext.Current.CancellationToken)).User!;
        clock.Advance(TimeSpan.FromDays(30));

        Assert.True(await service.ForgetAsync(ada.Id, TestContext.Current.CancellationToken));
        Assert.False(await service.ForgetAsync(ada.Id, TestContext.Current.CancellationToken));
        Assert.False(await service.ForgetAsync(Guid.NewGuid(), TestContext.Current.CancellationToken));

        var forgotten = (await service.FindAsync(ada.Id, TestContext.Current.CancellationToken))!;
        Assert.True(forgotten.IsForgotten);
        Assert.DoesNotContain("ada", forgotten.Email.Value, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(User.ForgottenDisplayName, forgotten.DisplayName);
        Assert.Equal(Now, forgotten.RegisteredAt);
        Assert.Null(await service.SignInAsync("ada@example.com", "correct-horse-battery", TestContext.Current.CancellationToken));
        var announced = Assert.Single(store.Forgotten);
        Assert.Equal((ada.Id, Now.AddDays(30)), (announced.CustomerId, announced.ForgottenAt));
        Assert.NotNull((await service.RegisterAsync("ada@example.com", "Ada again", "correct-horse-battery", TestContext.Current.CancellationToken)).User);
    }

    [Fact]
    public async Task Register_SameEmailDifferentCase_IsTakenAndAnnouncedOnce()
    {
        var store = new InMemoryUserStore();
        var service = new RegistrationService(store, new AspNetPasswordHashing(Options.Create(new PasswordHasherOptions())), new FakeTimeProvider(Now));

        await service.RegisterAsync("grace@example.com", "Grace", "correct-horse-battery", TestContext.Current.CancellationToken);
        var second = await service.RegisterAsync("GRACE@example.com", "Grace Again", "correct-horse-battery", TestContext.Current.CancellationToken);

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
        var service = new RegistrationService(store, new AspNetPasswordHashing(Options.Create(new PasswordHasherOptions())), new FakeTimeProvider(Now));

        var result = await service.RegisterAsync(email, name, "correct-horse-battery", TestContext.Current.CancellationToken);

        Assert.Null(result.User);
        Assert.Contains(result.Errors, e => e.Field == field);
        Assert.Empty(store.Events);
    }

    [Fact]
    public async Task Register_TwoUsers_GetTimeOrderedIds()
    {
        var clock = new FakeTimeProvider(Now);
        var service = new RegistrationService(new InMemoryUserStore(), new AspNetPasswordHashing(Options.Create(new PasswordHasherOptions())), clock);

        var first = await service.RegisterAsync("a@example.com", "A", "correct-horse-battery", TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromMilliseconds(5));
        var second = await service.RegisterAsync("b@example.com", "B", "correct-horse-battery", TestContext.Current.CancellationToken);

        Assert.True(first.User!.Id.CompareTo(second.User!.Id) < 0);
    }

    [Theory]
    [InlineData("ada\u0000@example.com", "Ada", "email")]
    [InlineData("ada@example.com", "Ada\u0007", "displayName")]
    [InlineData("ada@example.com", "Ada \u202Egnp.exe", "displayName")]
    [InlineData("ada@example.com", "\u2066Ada\u2069", "displayName")]
    [InlineData("ada\u200B@example.com", "Ada", "email")]
    public async Task Register_HiddenCharacters_RefusedNamingTheField(string email, string name, string field)
    {
        var store = new InMemoryUserStore();
        var service = new RegistrationService(store, new AspNetPasswordHashing(Options.Create(new PasswordHasherOptions())), new FakeTimeProvider(Now));

        var result = await service.RegisterAsync(email, name, "correct-horse-battery", TestContext.Current.CancellationToken);

        Assert.Null(result.User);
        Assert.Contains(result.Errors, e => e.Field == field);
        Assert.Empty(store.Events);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("short")]
    [InlineData("tab\tin the middle")]
    public async Task Register_BadPassword_RefusedNamingPassword(string? password)
    {
        var store = new InMemoryUserStore();
        var service = new RegistrationService(store, new AspNetPasswordHashing(Options.Create(new PasswordHasherOptions())), new FakeTimeProvider(Now));

        var result = await service.RegisterAsync("ada@example.com", "Ada", password, TestContext.Current.CancellationToken);

        Assert.Null(result.User);
        Assert.Contains(result.Errors, e => e.Field == "password");
        Assert.Empty(store.Events);
    }

    [Fact]
    public async Task SignIn_RightPassword_ReturnsTheUserAndWrongOnesReturnNothing()
    {
        var service = new RegistrationService(new InMemoryUserStore(), new AspNetPasswordHashing(Options.Create(new PasswordHasherOptions())), new FakeTimeProvider(Now));
        var registered = await service.RegisterAsync("ada@example.com", "Ada", "correct-horse-battery", TestContext.Current.CancellationToken);

        var right = await service.SignInAsync("ADA@example.com", "correct-horse-battery", TestContext.Current.CancellationToken);
        var wrong = await service.SignInAsync("ada@example.com", "correct-horse-batteries", TestContext.Current.CancellationToken);
        var unknown = await service.SignInAsync("eve@example.com", "correct-horse-battery", TestContext.Current.CancellationToken);

        Assert.Equal(registered.User!.Id, right);
        Assert.Null(wrong);
        Assert.Null(unknown);
    }
}
