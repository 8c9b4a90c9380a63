using System.Net;
using System.Net.Http.Json;
using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.Deadlines;
using Polly.CircuitBreaker;
using Polly.Timeout;
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

/// <summary>A charge as the provider reports it (<c>succeeded</c> or <c>refunded</c>).</summary>
internal sealed record ProviderChargeRecord(string Id, string Status)
{
    public bool IsRefunded => string.Equals(Status, "refunded", StringComparison.Ordinal);
}

/// <summary>The provider's HTTP API, translated into payment outcomes. Resilience sits in the HttpClient's handlers.</summary>
internal sealed class PaymentProviderClient(HttpClient http, TimeProvider timeProvider)
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

    /// <summary>
    /// Asks the provider which charge, if any, it holds under an idempotency key. A read: unlike re-sending the charge
    /// with the same key, it can never take money for an order that is being rejected.
    /// </summary>
    public async Task<ChargeLookup> LookupAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"charges?idempotencyKey={Uri.EscapeDataString(idempotencyKey)}");
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or BrokenCircuitException or BulkheadRejectedException or TimeoutRejectedException
            || IsProviderBudgetSpent(e))
        {
            return new ChargeLookup(LookupOutcome.Unavailable, null, $"lookup failed: {e.Message}");
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                return new ChargeLookup(LookupOutcome.Unavailable, null, $"lookup answered {(int)response.StatusCode}");
            }

            var charges = await response.Content.ReadFromJsonAsync<List<ProviderChargeRecord>>(cancellationToken) ?? [];
            return charges.Count == 0
                ? new ChargeLookup(LookupOutcome.NotFound, null, null)
                : new ChargeLookup(LookupOutcome.Found, charges[0], null);
        }
    }

    private async Task<PaymentResult> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            return new PaymentResult(PaymentOutcome.Unavailable, null, $"payment provider unreachable: {e.Message}");
        }
        catch (BrokenCircuitException e)
        {
            // Refused without a call: the breaker is open after repeated failures.
            return new PaymentResult(PaymentOutcome.Unavailable, null, "payment provider circuit is open", e.RetryAfter);
        }
        catch (BulkheadRejectedException e)
        {
            return new PaymentResult(PaymentOutcome.Unavailable, null, $"too many payments in flight ('{e.Compartment}' is full)", e.RetryAfter);
        }
        catch (Exception e) when (e is TimeoutRejectedException || IsProviderBudgetSpent(e))
        {
            return new PaymentResult(PaymentOutcome.Unavailable, null, "payment provider did not answer in time");
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                var charge = await response.Content.ReadFromJsonAsync<ProviderChargeRecord>(cancellationToken);
                return new PaymentResult(PaymentOutcome.Charged, charge?.Id, null);
            }

            return response.StatusCode switch
            {
                HttpStatusCode.PaymentRequired => new PaymentResult(PaymentOutcome.Declined, null, "card declined"),
                HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity or HttpStatusCode.NotFound =>
                    throw new InvalidOperationException($"The payment provider rejected the request as invalid ({(int)response.StatusCode}); this is a bug in the shop, not a transient fault."),
                _ => new PaymentResult(PaymentOutcome.Unavailable, null, $"payment provider answered {(int)response.StatusCode}", response.Headers.RetryAfter?.Delta),
            };
        }
    }

    /// <summary>
    /// The payments pipeline's own budget (<c>Bulwark:Resilience:Pipelines:payments:Timeout</c>) ran out while the caller's
    /// deadline had time left: the provider did not answer in time (503), not a late caller (504). The pipeline's timeout
    /// and the deadline handler inside it fire at the same instant, so either exception can come out.
    /// </summary>
    private bool IsProviderBudgetSpent(Exception e) =>
        e is DeadlineExceededException && DeadlineContext.Current?.IsExpired(timeProvider) != true;

    private sealed record ProviderCharge(string Reference, long AmountCents, string Currency, string CardToken);
}
