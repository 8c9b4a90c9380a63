using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Shop.Host.Tests;

/// <summary>A signed-up, signed-in customer of a running shop and a client that sends their token.</summary>
internal sealed record ShopCustomer(Guid Id, string Email, string Token, HttpClient Client) : IDisposable
{
    public const string Password = "correct-horse-battery-staple";

    /// <summary>The internal rate-limit tier's demo key (appsettings.Development.json), for setting up many customers fast.</summary>
    public const string SetupKey = "drill-load";

    public static async Task<ShopCustomer> SignUpAsync(Uri baseAddress, string? displayName = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var email = $"c-{Guid.NewGuid():N}@example.com";
        using var setup = new HttpClient { BaseAddress = baseAddress };
        setup.DefaultRequestHeaders.Add("X-Api-Key", SetupKey);
        using (var signUp = await setup.PostAsJsonAsync("/api/users", new { email, displayName = displayName ?? "Test Customer", password = Password }, ct))
        {
            Assert.True(signUp.IsSuccessStatusCode, $"sign-up answered {(int)signUp.StatusCode}: {await signUp.Content.ReadAsStringAsync(ct)}");
        }

        var token = await SignInAsync(setup, email, Password);
        var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        return new ShopCustomer(token.CustomerId, email, token.AccessToken, client);
    }

    public static async Task<SignedIn> SignInAsync(HttpClient client, string email, string password)
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await client.PostAsJsonAsync("/api/users/sign-in", new { email, password }, ct);
        Assert.True(response.IsSuccessStatusCode, $"sign-in answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        return (await response.Content.ReadFromJsonAsync<SignedIn>(ct))!;
    }

    public void Dispose() => Client.Dispose();

    internal sealed record SignedIn(string AccessToken, string TokenType, int ExpiresIn, Guid CustomerId);
}
