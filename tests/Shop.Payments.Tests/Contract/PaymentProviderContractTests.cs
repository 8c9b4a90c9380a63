using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Shop.Externals.PaymentProvider;
using Shop.Payments.Provider;

namespace Shop.Payments.Tests.Contract;

/// <summary>The contract on the card provider (<c>Shop:Payments:Provider=PaymentProvider</c>).</summary>
public sealed class PaymentProviderContractTests : PaymentGatewayContract
{
    private protected override string DeclinedCard => PaymentProviderApp.DeclinedCard;

    private protected override WebApplication CreateStandIn(string url, string[] args) => PaymentProviderApp.Create(url, args);

    private protected override IPaymentGateway CreateGateway(HttpClient vendor, TimeProvider time) => new PaymentProviderClient(vendor, time);

    private protected override async Task<IReadOnlyList<(string Id, long AmountMinor, bool Refunded)>> LedgerAsync() =>
        [.. (await StandIn.GetFromJsonAsync<List<PaymentProviderApp.ChargeRecord>>("/charges", Ct))!.Select(c => (c.Id, c.AmountCents, c.Status == "refunded"))];
}
