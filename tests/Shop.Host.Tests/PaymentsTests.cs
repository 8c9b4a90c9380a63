using System.Net;
using System.Net.Http.Json;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Shop.Externals.Hosting;
using Shop.Externals.PaymentProvider;

namespace Shop.Host.Tests;

/// <summary>The shop's payments against the real payment-provider stand-in over loopback HTTP.</summary>
public sealed class PaymentsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Charge_ProviderHealthy_Returns201()
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await RunningShop.StartAsync(null, null, [$"--Shop:Externals:PaymentProviderUrl={provider.BaseAddress()}", .. RunningShop.RoomyPaymentBudgets]);

        using var response = await shop.ChargeAsync(Charge("tok_visa"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Charge_DeclinedCard_Returns402Problem()
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await RunningShop.StartAsync(null, null, [$"--Shop:Externals:PaymentProviderUrl={provider.BaseAddress()}", .. RunningShop.RoomyPaymentBudgets]);

        using var response = await shop.ChargeAsync(Charge(PaymentProviderApp.DeclinedCard));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Charge_ProviderDown_Returns503WithRetryAfter()
    {
        await using var provider = await StartProviderAsync();
        using var control = new HttpClient { BaseAddress = provider.BaseAddress() };
        (await control.PutAsJsonAsync("/_control/faults", new { down = true }, Ct)).EnsureSuccessStatusCode();
        await using var shop = await RunningShop.StartAsync(null, null, [$"--Shop:Externals:PaymentProviderUrl={provider.BaseAddress()}", .. RunningShop.RoomyPaymentBudgets]);

        using var response = await shop.ChargeAsync(Charge("tok_visa"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Charge_SameIdempotencyKeyTwice_ProviderChargesOnce()
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await RunningShop.StartAsync(null, null, [$"--Shop:Externals:PaymentProviderUrl={provider.BaseAddress()}", .. RunningShop.RoomyPaymentBudgets]);

        for (var i = 0; i < 2; i++)
        {
            using var response = await shop.ChargeAsync(Charge("tok_visa"), "pay-123");
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        using var control = new HttpClient { BaseAddress = provider.BaseAddress() };
        var charges = await control.GetFromJsonAsync<List<PaymentProviderApp.ChargeRecord>>("/charges", Ct);
        Assert.Single(charges!);
    }

    [Theory]
    [InlineData("{}", HttpStatusCode.BadRequest)]
    [InlineData("{\"reference\":\"o\",\"amountCents\":-1,\"currency\":\"EUR\",\"cardToken\":\"t\"}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("{\"reference\":\"o\",\"amountCents\":5,\"currency\":\"EURO\",\"cardToken\":\"t\"}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("{\"reference\":\"o\",\"amountCents\":5,\"currency\":\"\u20AC\u20AC\u20AC\",\"cardToken\":\"t\"}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("{\"reference\":\"o\",\"amountCents\":5,\"currency\":\"ABC\",\"cardToken\":\"t\"}", HttpStatusCode.UnprocessableEntity)]
    [InlineData("{\"reference\":\"o\",\"amountCents\":5,\"currency\":\"eur\",\"cardToken\":\"t\"}", HttpStatusCode.UnprocessableEntity)]
    public async Task Charge_BadInput_ReturnsProblemWithoutCallingProvider(string body, HttpStatusCode expected)
    {
        await using var provider = await StartProviderAsync();
        await using var shop = await RunningShop.StartAsync(null, null, [$"--Shop:Externals:PaymentProviderUrl={provider.BaseAddress()}", .. RunningShop.RoomyPaymentBudgets]);

        using var response = await shop.ChargeAsync(new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        using var control = new HttpClient { BaseAddress = provider.BaseAddress() };
        var status = await control.GetFromJsonAsync<System.Text.Json.JsonElement>("/_control/faults", Ct);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(0, status.GetProperty("requests").GetInt64());
    }

    private static object Charge(string card) => new { reference = "order-1", amountCents = 1999, currency = "EUR", cardToken = card };

    private static async Task<WebApplication> StartProviderAsync()
    {
        var app = HostLogFile.LogToFile(PaymentProviderApp.Create("http://127.0.0.1:0", ["--Logging:LogLevel:Default=Warning", .. HostLogFile.ConsoleOff]), "payments");
        await app.StartAsync(Ct);
        return app;
    }
}
