using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Shop.Externals.Hosting;
using Shop.Externals.PaymentProvider;
using Shop.Identity.Contracts;
using Shop.Notifications.Contracts;
using Shop.Rewards.Contracts;

namespace Shop.Host.Tests.Issues;

/// <summary>
/// Issue 10, item 6: effects follow outcomes. A rejected order sent an "Order … confirmed" mail with no recipient and
/// earned points; now only a confirmed order does, and a rejected one gets the mail that says so, to the customer.
/// </summary>
public sealed class Issue10OrderEffectsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RejectedThenConfirmedOrder_OneRejectionMailToTheCustomerAndMailAndPointsOnlyForTheConfirmed()
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await RunningShop.StartAsync(null, null, $"--Shop:Externals:PaymentProviderUrl={provider.BaseAddress()}", "--Bulwark:RateLimiting:Tiers:anonymous:PermitLimit=1000000");
        var user = await SignUpAsync(shop.Client, "effects@example.com");
        var signedIn = await ShopCustomer.SignInAsync(shop.Client, "effects@example.com", ShopCustomer.Password);
        using var customer = new HttpClient { BaseAddress = shop.Client.BaseAddress };
        customer.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", signedIn.AccessToken);
        await MailAsync(customer, user.Id, count: 1);

        // The carrier does not deliver to 00000 (docs/shop.md): charged, then refunded, then rejected.
        var rejected = await PlaceOrderAsync(customer, "00000");
        Assert.Equal("Rejected", await WaitForEndAsync(customer, rejected.Id));
        var confirmed = await PlaceOrderAsync(customer, "10115");
        Assert.Equal("Confirmed", await WaitForEndAsync(customer, confirmed.Id));

        // Events of different orders carry different keys: the relay and the subscriber keep order per key only, so the
        // two order mails may arrive in either order.
        var mail = await MailAsync(customer, user.Id, count: 3);
        var rewards = await Eventually.WaitAsync(
            () => customer.GetFromJsonAsync<RewardsDto>($"/api/rewards/{user.Id}", Ct)!, r => r!.Credits.Count >= 2, "the confirmed order's points");

        Assert.Equal(["order-confirmation", "order-rejection", "welcome"], mail.Select(m => m.Kind).Order(StringComparer.Ordinal));
        var rejection = Assert.Single(mail, m => m.Kind == "order-rejection");
        Assert.Equal(user.Email, rejection.Recipient);
        Assert.Contains(rejected.Id.ToString(), rejection.Subject, StringComparison.Ordinal);
        Assert.Contains("00000", rejection.Body, StringComparison.Ordinal);
        var confirmation = Assert.Single(mail, m => m.Kind == "order-confirmation");
        Assert.Equal(user.Email, confirmation.Recipient);
        Assert.Contains(confirmed.Id.ToString(), confirmation.Subject, StringComparison.Ordinal);
        Assert.Equal(["welcome", $"order {confirmed.Id}"], rewards!.Credits.Select(c => c.Reason));
        Assert.Equal(100 + (confirmed.TotalCents / 100), rewards.Points);
    }

    // Customer calls go through these helpers so they can switch to a signed-in client in one place.
    private static async Task<UserDto> SignUpAsync(HttpClient client, string email)
    {
        using var response = await client.PostAsJsonAsync("/api/users", new { email, displayName = "Effie", password = ShopCustomer.Password }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<UserDto>(Ct))!;
    }

    private static async Task<(Guid Id, long TotalCents)> PlaceOrderAsync(HttpClient client, string postcode)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { items = new[] { new { productId = 1, quantity = 2 } }, cardToken = "tok_visa", shippingPostcode = postcode }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return (body.GetProperty("id").GetGuid(), body.GetProperty("totalCents").GetInt64());
    }

    private static async Task<string?> WaitForEndAsync(HttpClient client, Guid orderId) =>
        await Eventually.WaitAsync(
            async () => (await client.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}", Ct)).GetProperty("status").GetString(),
            status => status != "Pending",
            $"order {orderId} ends");

    private static async Task<NotificationDto[]> MailAsync(HttpClient client, Guid userId, int count) =>
        (await Eventually.WaitAsync(
            () => client.GetFromJsonAsync<NotificationDto[]>($"/api/notifications?userId={userId}", Ct)!,
            m => m!.Length >= count,
            $"{count} mails for the customer"))!;

    private static async Task<WebApplication> StartProviderAsync()
    {
        var app = PaymentProviderApp.Create("http://127.0.0.1:0", ["--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync(Ct);
        return app;
    }
}
