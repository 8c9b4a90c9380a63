using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Shop.Externals.Acquirer;
using Shop.Payments.Acquirer;
using Shop.Payments.Provider;

namespace Shop.Payments.Tests.Contract;

/// <summary>The same contract on the acquirer (<c>Shop:Payments:Provider=Acquirer</c>): other routes, auth, units, header and errors.</summary>
public sealed class AcquirerContractTests : PaymentGatewayContract
{
    private const string Key = "contract-key";

    private protected override string DeclinedCard => AcquirerApp.RefusedCard;

    private protected override WebApplication CreateStandIn(string url, string[] args) => AcquirerApp.Create(url, args, Key);

    private protected override IPaymentGateway CreateGateway(HttpClient vendor, TimeProvider time) =>
        new AcquirerClient(vendor, new AcquirerOptions { ApiKey = Key }, time);

    private protected override async Task<IReadOnlyList<(string Id, long AmountMinor, bool Refunded)>> LedgerAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/payments");
        request.Headers.Add("X-Api-Key", Key);
        using var response = await StandIn.SendAsync(request, Ct);
        var payments = (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<List<AcquirerApp.Payment>>(Ct))!;
        // A refused payment is on the acquirer's books but holds no money: not part of the ledger the contract counts.
        return [.. payments.Where(p => p.Status != "REFUSED").Select(p => (p.PaymentId, CurrencyUnits.ToMinor(p.Amount.Value, p.Amount.Currency), p.Status == "REVERSED"))];
    }

    [Fact]
    public async Task StandIn_StrangerWithoutTheKey_RefusedWith401AndNothingBooked()
    {
        using var list = await StandIn.GetAsync("/v1/payments", Ct);
        using var pay = await StandIn.PostAsJsonAsync("/v1/payments", new { merchantReference = "m-1", amount = new { value = 1.00m, currency = "EUR" }, source = new { token = "tok_visa" } }, Ct);

        Assert.Equal((System.Net.HttpStatusCode.Unauthorized, System.Net.HttpStatusCode.Unauthorized), (list.StatusCode, pay.StatusCode));
        Assert.Empty(await LedgerAsync());
    }

    [Fact]
    public async Task Charge_WrongApiKey_ThrowsNamingTheSetting()
    {
        var gateway = new AcquirerClient(new HttpClient { BaseAddress = StandIn.BaseAddress }, new AcquirerOptions { ApiKey = "wrong" }, TimeProvider.System);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => gateway.ChargeAsync(new("pay-k", "order-k", 100, "EUR", "tok_visa"), Ct));

        Assert.Contains("Shop:Payments:Acquirer:ApiKey", error.Message, StringComparison.Ordinal);
    }
}
