using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.Deadlines;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Shop.Payments.Contracts;

namespace Shop.Payments.Provider;

/// <summary>
/// Sends one request through the provider's HttpClient (resilience sits in its handlers) and turns every way of not
/// getting an answer into <see cref="PaymentOutcome.Unavailable"/>, the same for every vendor.
/// </summary>
internal static class ProviderCall
{
    /// <summary>The response, or why there is none.</summary>
    public static async Task<(HttpResponseMessage? Response, PaymentResult? Failure)> SendAsync(
        HttpClient http, HttpRequestMessage request, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        try
        {
            return (await http.SendAsync(request, cancellationToken), null);
        }
        catch (HttpRequestException e)
        {
            return (null, new PaymentResult(PaymentOutcome.Unavailable, null, $"payment provider unreachable: {e.Message}"));
        }
        catch (BrokenCircuitException e)
        {
            // Refused without a call: the breaker is open after repeated failures.
            return (null, new PaymentResult(PaymentOutcome.Unavailable, null, "payment provider circuit is open", e.RetryAfter));
        }
        catch (BulkheadRejectedException e)
        {
            return (null, new PaymentResult(PaymentOutcome.Unavailable, null, $"too many payments in flight ('{e.Compartment}' is full)", e.RetryAfter));
        }
        catch (Exception e) when (e is TimeoutRejectedException || IsProviderBudgetSpent(e, timeProvider))
        {
            return (null, new PaymentResult(PaymentOutcome.Unavailable, null, "payment provider did not answer in time"));
        }
    }

    /// <summary>
    /// Sends the request and reads the answer with <paramref name="read"/> (the response is disposed after it); when
    /// there is no answer, <paramref name="unanswered"/> turns the reason into the caller's result.
    /// </summary>
    public static async Task<T> ReadAsync<T>(
        HttpClient http, HttpRequestMessage request, TimeProvider timeProvider, Func<HttpResponseMessage, Task<T>> read, Func<PaymentResult, T> unanswered, CancellationToken cancellationToken)
    {
        var (response, failure) = await SendAsync(http, request, timeProvider, cancellationToken);
        if (response is null)
        {
            return unanswered(failure!);
        }

        using (response)
        {
            return await read(response);
        }
    }

    /// <summary>A failed answer that is worth retrying later (5xx, 429, 408, or anything not a known client error).</summary>
    public static PaymentResult Unavailable(HttpResponseMessage response) =>
        new(PaymentOutcome.Unavailable, null, $"payment provider answered {(int)response.StatusCode}", response.Headers.RetryAfter?.Delta);

    /// <summary>The provider refused the request as malformed: a bug in the shop, never a transient fault.</summary>
    public static InvalidOperationException Invalid(HttpResponseMessage response, string? detail = null) =>
        new($"The payment provider rejected the request as invalid ({(int)response.StatusCode}{(detail is null ? "" : ", " + detail)}); this is a bug in the shop, not a transient fault.");

    /// <summary>
    /// The payments pipeline's own budget (<c>Bulwark:Resilience:Pipelines:payments:Timeout</c>) ran out while the caller's
    /// deadline had time left: the provider did not answer in time (503), not a late caller (504). The pipeline's timeout
    /// and the deadline handler inside it fire at the same instant, so either exception can come out.
    /// </summary>
    private static bool IsProviderBudgetSpent(Exception e, TimeProvider timeProvider) =>
        e is DeadlineExceededException && DeadlineContext.Current?.IsExpired(timeProvider) != true;
}
