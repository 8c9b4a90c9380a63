using System.Net;
using System.Net.Http.Json;
using Shop.Payments.Contracts;

namespace Shop.Payments.Provider;

/// <summary>What a lookup by idempotency key learned.</summary>
internal enum LookupOutcome
{
    /// <summary>The provider has a charge under the key.</summary>
    Found,

    /// <summary>The provider answered and has no charge under the key.</summary>
    NotFound,

    /// <summary>The provider did not answer: nothing is known.</summary>
    Unavailable,
}

/// <summary>The result of a lookup; <paramref name="Charge"/> is set when found.</summary>
internal sealed record ChargeLookup(LookupOutcome Outcome, ProviderChargeRecord? Charge, string? Reason);

/// <summary>A charge as the shop sees it at any provider (<c>succeeded</c> or <c>refunded</c>).</summary>
internal sealed record ProviderChargeRecord(string Id, string Status)
{
    public const string Refunded = "refunded";

    public bool IsRefunded => string.Equals(Status, Refunded, StringComparison.Ordinal);
}

/// <summary>
/// The card provider's HTTP API (<c>Shop:Payments:Provider=PaymentProvider</c>, the default): <c>/charges</c>, amounts
/// in minor units, <c>Idempotency-Key</c>, problem details, 402 for a declined card.
/// </summary>
internal sealed class PaymentProviderClient(HttpClient http, TimeProvider timeProvider) : IPaymentGateway
{
    public async Task<PaymentResult> ChargeAsync(ChargeCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        using var request = new HttpRequestMessage(HttpMethod.Post, "charges")
        {
            Content = JsonContent.Create(new ProviderCharge(command.Reference, command.AmountCents, command.Currency, command.CardToken)),
        };
        request.Headers.Add("Idempotency-Key", command.PaymentId);
        return await SendAsync(request, cancellationToken);
    }

    public async Task<PaymentResult> RefundAsync(string chargeId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(chargeId);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"charges/{Uri.EscapeDataString(chargeId)}/refund");
        return await SendAsync(request, cancellationToken);
    }

    public async Task<ChargeLookup> LookupAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"charges?idempotencyKey={Uri.EscapeDataString(idempotencyKey)}");
        return await ProviderCall.ReadAsync(
            http,
            request,
            timeProvider,
            async response =>
            {
                if (!response.IsSuccessStatusCode)
                {
                    return new ChargeLookup(LookupOutcome.Unavailable, null, $"lookup answered {(int)response.StatusCode}");
                }

                var charges = await response.Content.ReadFromJsonAsync<List<ProviderChargeRecord>>(cancellationToken) ?? [];
                return charges.Count == 0
                    ? new ChargeLookup(LookupOutcome.NotFound, null, null)
                    : new ChargeLookup(LookupOutcome.Found, charges[0], null);
            },
            failure => new ChargeLookup(LookupOutcome.Unavailable, null, $"lookup failed: {failure.Reason}"),
            cancellationToken);
    }

    private async Task<PaymentResult> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        return await ProviderCall.ReadAsync(
            http,
            request,
            timeProvider,
            async response =>
            {
                if (response.IsSuccessStatusCode)
                {
                    var charge = await response.Content.ReadFromJsonAsync<ProviderChargeRecord>(cancellationToken);
                    return new PaymentResult(PaymentOutcome.Charged, charge?.Id, null);
                }

                return response.StatusCode switch
                {
                    HttpStatusCode.PaymentRequired => new PaymentResult(PaymentOutcome.Declined, null, "card declined"),
                    HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity or HttpStatusCode.NotFound => throw ProviderCall.Invalid(response),
                    _ => ProviderCall.Unavailable(response),
                };
            },
            failure => failure,
            cancellationToken);
    }

    private sealed record ProviderCharge(string Reference, long AmountCents, string Currency, string CardToken);
}
