using System.Net;
using System.Net.Http.Json;
using Bulwark.Resilience.Bulkhead;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Shop.Payments.Contracts;

namespace Shop.Payments.Provider;

/// <summary>The provider's HTTP API, translated into payment outcomes. Resilience sits in the HttpClient's handlers.</summary>
internal sealed class PaymentProviderClient(HttpClient http) : IPaymentsApi
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
        catch (TimeoutRejectedException)
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

    private sealed record ProviderCharge(string Reference, long AmountCents, string Currency, string CardToken);

    private sealed record ProviderChargeRecord(string Id, string Status);
}
