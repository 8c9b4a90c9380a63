using System.Globalization;
using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Shop.Infrastructure.Admin;
using Shop.Payments.Contracts;
using Shop.Payments.Reconciliation;

namespace Shop.Payments.Api;

internal static class PaymentEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var payments = endpoints.MapGroup("/api/payments").WithTags("Payments");
        payments.MapPost("/charges", ChargeAsync).WithName("Charge");
        // Operations: the payments whose money is not settled yet (and the settled ones, for the audit trail).
        payments.MapGet("/reconciliations", async (string? status, ReconciliationStore store, CancellationToken ct) =>
            TypedResults.Ok(await store.ListAsync(status, ct))).WithName("ListReconciliations").RequireShopAdmin();
        payments.MapPost("/reconciliations/{paymentId}/retry", async Task<Results<NoContent, ProblemHttpResult>> (string paymentId, ReconciliationStore store, TimeProvider time, CancellationToken ct) =>
            await store.ReopenAsync(paymentId, time.GetUtcNow(), ct)
                ? TypedResults.NoContent()
                : ProblemResults.NotFound($"No unsettled payment '{paymentId}'.")).WithName("RetryReconciliation").RequireShopAdmin();
    }

    private static async Task<Results<Created<ChargeView>, ProblemHttpResult>> ChargeAsync(
        ChargeBody? body, HttpContext http, IPaymentsApi payments, CancellationToken cancellationToken)
    {
        if (body is null || string.IsNullOrWhiteSpace(body.Reference) || string.IsNullOrWhiteSpace(body.CardToken))
        {
            return ProblemResults.BadRequest("Send {\"reference\":\"order-42\",\"amountCents\":1999,\"currency\":\"EUR\",\"cardToken\":\"tok_visa\"}.");
        }

        if (body.AmountCents <= 0 || body.Currency is not { Length: 3 })
        {
            return ProblemResults.Unprocessable("amountCents must be positive and currency a three-letter ISO code.");
        }

        // The caller's Idempotency-Key, when given, becomes the provider's: a retried charge is never a second charge.
        var paymentId = http.Request.Headers["Idempotency-Key"].ToString();
        if (string.IsNullOrEmpty(paymentId))
        {
            paymentId = Guid.NewGuid().ToString("N");
        }

        var result = await payments.ChargeAsync(new ChargeCommand(paymentId, body.Reference, body.AmountCents, body.Currency, body.CardToken), cancellationToken);
        switch (result.Outcome)
        {
            case PaymentOutcome.Charged:
                return TypedResults.Created($"/api/payments/charges/{result.ChargeId}", new ChargeView(result.ChargeId!, paymentId));
            case PaymentOutcome.Declined:
                return ProblemResults.Create(StatusCodes.Status402PaymentRequired, "Payment declined", result.Reason ?? "The card was declined.");
            default:
                var retryAfter = result.RetryAfter ?? TimeSpan.FromSeconds(5);
                http.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                return ProblemResults.Create(StatusCodes.Status503ServiceUnavailable, "Payments unavailable", result.Reason ?? "The payment provider is unavailable; try again later.");
        }
    }

    internal sealed record ChargeBody(string? Reference, long AmountCents, string? Currency, string? CardToken);

    internal sealed record ChargeView(string ChargeId, string PaymentId);
}
