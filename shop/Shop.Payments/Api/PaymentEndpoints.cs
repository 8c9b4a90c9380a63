using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Bulwark.AspNetCore.Idempotency;
using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Shop.Infrastructure.Admin;
using Shop.Infrastructure.Api;
using Shop.Payments.Contracts;
using Shop.Payments.Reconciliation;

namespace Shop.Payments.Api;

internal static class PaymentEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var payments = endpoints.MapGroup("/api/payments").WithTags("Payments");
        // Not a public till: an operator's manual charge (drills use it to drive the provider), keyed, its provider key
        // scoped to the operator. Orders charge through the saga with the shop's own keys, never through this endpoint.
        payments.MapPost("/charges", ChargeAsync).WithName("Charge").RequireShopAdmin().RequireIdempotencyKey().ProducesProblem(StatusCodes.Status402PaymentRequired);
        // Operations: the payments whose money is not settled yet (and the settled ones, for the audit trail).
        payments.MapGet("/reconciliations", async Task<Results<Ok<IReadOnlyList<ReconciliationRecord>>, ProblemHttpResult>> (string? status, int? page, int? pageSize, ReconciliationStore store, CancellationToken ct) =>
        {
            var (window, problem) = Page.From(page, pageSize);
            return problem is not null ? problem : TypedResults.Ok(await store.ListAsync(status, window.Size, window.Offset, ct));
        }).WithName("ListReconciliations").RequireShopAdmin();
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

        if (body.AmountCents is <= 0 or > MaxAmountCents)
        {
            return ProblemResults.Unprocessable($"amountCents must be 1 to {MaxAmountCents}.", Field("amountCents", "out of range"));
        }

        if (!Iso4217.IsCurrency(body.Currency))
        {
            return ProblemResults.Unprocessable($"currency must be an active ISO 4217 code such as EUR; got '{body.Currency}'.", Field("currency", "not an ISO 4217 code"));
        }

        // The provider's key is derived from the operator and their Idempotency-Key: a retried charge is never a second
        // charge, and no outside key can ever equal a key the shop uses itself ("order-<id>").
        var paymentId = ManualPaymentId(http.User, http.Request.Headers["Idempotency-Key"].ToString());

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

    private const long MaxAmountCents = 100_000_000;

    private static Dictionary<string, object?> Field(string name, string error) =>
        new() { ["errors"] = new Dictionary<string, string[]> { [name] = [error] } };

    internal static string ManualPaymentId(ClaimsPrincipal operatorUser, string idempotencyKey)
    {
        var caller = operatorUser.FindFirstValue(ClaimTypes.NameIdentifier) ?? "operator";
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(caller + "\n" + idempotencyKey));
        return "manual-" + Convert.ToHexStringLower(digest.AsSpan(0, 16));
    }

    internal sealed record ChargeBody(string? Reference, long AmountCents, string? Currency, string? CardToken);

    internal sealed record ChargeView(string ChargeId, string PaymentId);
}
