using System.Net;
using System.Net.Http.Json;
using Shop.Payments.Contracts;
using Shop.Payments.Provider;

namespace Shop.Payments.Acquirer;

/// <summary>
/// The acquirer's HTTP API (<c>Shop:Payments:Provider=Acquirer</c>), translated into this module's payment outcomes:
/// <c>/v1/payments</c> with an <c>X-Api-Key</c>, amounts in major units (the shop's minor units divided by the
/// currency's exponent), idempotency by <c>X-Request-Token</c>, a refusal as a 200 with <c>REFUSED</c>, and errors as
/// <c>{"error":{"code","message"}}</c>. Nothing of this shape leaves the class.
/// </summary>
internal sealed class AcquirerClient(HttpClient http, AcquirerOptions options, TimeProvider timeProvider) : IPaymentGateway
{
    private const string Captured = "CAPTURED";
    private const string Refused = "REFUSED";
    private const string Reversed = "REVERSED";
    private const string NotFoundCode = "payment_not_found";

    public async Task<PaymentResult> ChargeAsync(ChargeCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        using var request = Request(HttpMethod.Post, "v1/payments");
        request.Content = JsonContent.Create(new PaymentRequest(command.Reference, new Money(CurrencyUnits.ToMajor(command.AmountCents, command.Currency), command.Currency), new Source(command.CardToken)));
        request.Headers.Add("X-Request-Token", command.PaymentId);
        return await SendAsync(request, cancellationToken);
    }

    public async Task<PaymentResult> RefundAsync(string chargeId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(chargeId);
        using var request = Request(HttpMethod.Post, $"v1/payments/{Uri.EscapeDataString(chargeId)}/reversals");
        return await SendAsync(request, cancellationToken);
    }

    public async Task<ChargeLookup> LookupAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        using var request = Request(HttpMethod.Get, $"v1/payments/by-request-token/{Uri.EscapeDataString(idempotencyKey)}");
        return await ProviderCall.ReadAsync(
            http,
            request,
            timeProvider,
            async response =>
            {
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    // Only the acquirer's own "no such payment" is an answer; a 404 from anything else (a proxy, a moved
                    // route) says nothing about money.
                    return await ErrorCodeAsync(response, cancellationToken) == NotFoundCode
                        ? new ChargeLookup(LookupOutcome.NotFound, null, null)
                        : new ChargeLookup(LookupOutcome.Unavailable, null, "lookup answered 404 without the acquirer's error body");
                }

                if (!response.IsSuccessStatusCode)
                {
                    return new ChargeLookup(LookupOutcome.Unavailable, null, $"lookup answered {(int)response.StatusCode}");
                }

                var payment = await response.Content.ReadFromJsonAsync<PaymentRecord>(cancellationToken);
                return payment?.Status switch
                {
                    Captured => new ChargeLookup(LookupOutcome.Found, new ProviderChargeRecord(payment.PaymentId, "succeeded"), null),
                    Reversed => new ChargeLookup(LookupOutcome.Found, new ProviderChargeRecord(payment.PaymentId, ProviderChargeRecord.Refunded), null),
                    // A refused payment is kept under its token but took no money: for reconciliation, nothing was charged.
                    Refused => new ChargeLookup(LookupOutcome.NotFound, null, null),
                    _ => new ChargeLookup(LookupOutcome.Unavailable, null, $"lookup answered an unknown status '{payment?.Status}'"),
                };
            },
            failure => new ChargeLookup(LookupOutcome.Unavailable, null, $"lookup failed: {failure.Reason}"),
            cancellationToken);
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Api-Key", options.ApiKey);
        return request;
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
                    var payment = await response.Content.ReadFromJsonAsync<PaymentRecord>(cancellationToken);
                    return payment?.Status switch
                    {
                        Refused => new PaymentResult(PaymentOutcome.Declined, null, $"card declined: {payment.RefusalReason}"),
                        Captured or Reversed => new PaymentResult(PaymentOutcome.Charged, payment.PaymentId, null),
                        _ => new PaymentResult(PaymentOutcome.Unavailable, null, $"acquirer answered an unknown status '{payment?.Status}'"),
                    };
                }

                return response.StatusCode switch
                {
                    HttpStatusCode.Unauthorized => throw new InvalidOperationException(
                        $"The acquirer refused the API key (401); set {AcquirerOptions.SectionName}:{nameof(AcquirerOptions.ApiKey)} to the merchant's key."),
                    HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity or HttpStatusCode.NotFound =>
                        throw ProviderCall.Invalid(response, await ErrorCodeAsync(response, cancellationToken)),
                    _ => ProviderCall.Unavailable(response),
                };
            },
            failure => failure,
            cancellationToken);
    }

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return (await response.Content.ReadFromJsonAsync<ErrorBody>(cancellationToken))?.Error?.Code;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private sealed record PaymentRequest(string MerchantReference, Money Amount, Source Source);

    private sealed record Money(decimal Value, string Currency);

    private sealed record Source(string Token);

    private sealed record PaymentRecord(string PaymentId, string Status, string? RefusalReason);

    private sealed record ErrorBody(ErrorDetail? Error);

    private sealed record ErrorDetail(string? Code, string? Message);
}
