using System.Collections.Concurrent;
using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Shop.Externals.Hosting;

namespace Shop.Externals.PaymentProvider;

/// <summary>
/// A payment provider stand-in: charges and refunds, idempotent by <c>Idempotency-Key</c> like real providers,
/// so a test can count charges and prove the shop never double-charges.
/// </summary>
public static class PaymentProviderApp
{
    /// <summary>The service name in logs and traces.</summary>
    public const string Name = "payment-provider";

    /// <summary>The card token that is always declined (402).</summary>
    public const string DeclinedCard = "tok_declined";

    /// <summary>Creates the app on <paramref name="url"/>.</summary>
    public static WebApplication Create(string url, string[]? args = null) =>
        StandInApp.Create(Name, url, s => s.AddSingleton<ChargeLedger>(), Map, args);

    private static void Map(IEndpointRouteBuilder endpoints)
    {
        var charges = endpoints.MapGroup("/charges").WithTags("Payments");
        charges.MapPost("/", Charge);
        // ?idempotencyKey=... is the reconciliation lookup real providers offer: a read that never creates a charge.
        charges.MapGet("/", (string? idempotencyKey, ChargeLedger ledger) =>
            TypedResults.Ok(idempotencyKey is null ? ledger.All() : ledger.FindByKey(idempotencyKey) is { } charge ? [charge] : Array.Empty<ChargeRecord>()));
        charges.MapGet("/{id}", Results<Ok<ChargeRecord>, ProblemHttpResult> (string id, ChargeLedger ledger) =>
            ledger.Find(id) is { } charge ? TypedResults.Ok(charge) : ProblemResults.NotFound($"No charge '{id}'."));
        charges.MapPost("/{id}/refund", Results<Ok<ChargeRecord>, ProblemHttpResult> (string id, ChargeLedger ledger) =>
            ledger.Refund(id) is { } charge ? TypedResults.Ok(charge) : ProblemResults.NotFound($"No charge '{id}'."));
    }

    private static Results<Created<ChargeRecord>, Ok<ChargeRecord>, ProblemHttpResult> Charge(
        ChargeRequest? request, HttpRequest http, ChargeLedger ledger)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Reference))
        {
            return ProblemResults.BadRequest("Send {\"reference\":\"order-42\",\"amountCents\":1999,\"currency\":\"EUR\",\"cardToken\":\"tok_visa\"}.");
        }

        if (request.AmountCents <= 0 || request.Currency is not { Length: 3 })
        {
            return ProblemResults.Unprocessable("amountCents must be positive and currency a three-letter ISO code.");
        }

        if (request.CardToken == DeclinedCard)
        {
            return ProblemResults.Create(StatusCodes.Status402PaymentRequired, "Card declined", "The issuer declined this card.");
        }

        var key = http.Headers["Idempotency-Key"].ToString();
        var (charge, created) = ledger.Charge(string.IsNullOrEmpty(key) ? null : key, request);
        return created ? TypedResults.Created($"/charges/{charge.Id}", charge) : TypedResults.Ok(charge);
    }

    /// <summary>A charge request.</summary>
    public sealed record ChargeRequest(string Reference, long AmountCents, string Currency, string? CardToken);

    /// <summary>A charge as the provider records it, with the idempotency key it was created under (if any).</summary>
    public sealed record ChargeRecord(string Id, string Reference, long AmountCents, string Currency, string Status, string? IdempotencyKey = null);

    private sealed class ChargeLedger
    {
        private readonly ConcurrentDictionary<string, ChargeRecord> _charges = new();
        private readonly ConcurrentDictionary<string, Lazy<string>> _byKey = new();
        private int _next;

        public (ChargeRecord Charge, bool Created) Charge(string? idempotencyKey, ChargeRequest request)
        {
            if (idempotencyKey is null)
            {
                var charge = New(request, null);
                return (charge, true);
            }

            // GetOrAdd may run its factory on several racing threads and keep one result; a factory that books a
            // charge would then book it twice. The Lazy is what runs once: racing retries share one booking.
            var created = false;
            var id = _byKey.GetOrAdd(idempotencyKey, key => new Lazy<string>(() =>
            {
                created = true;
                return New(request, key).Id;
            })).Value;
            return (_charges[id], created);
        }

        public ChargeRecord? Find(string id) => _charges.GetValueOrDefault(id);

        public ChargeRecord? FindByKey(string idempotencyKey) =>
            _byKey.TryGetValue(idempotencyKey, out var id) ? _charges.GetValueOrDefault(id.Value) : null;

        public ChargeRecord? Refund(string id)
        {
            while (_charges.TryGetValue(id, out var charge))
            {
                if (_charges.TryUpdate(id, charge with { Status = "refunded" }, charge))
                {
                    return _charges[id];
                }
            }

            return null;
        }

        public IReadOnlyList<ChargeRecord> All() => [.. _charges.Values.OrderBy(c => c.Id, StringComparer.Ordinal)];

        private ChargeRecord New(ChargeRequest request, string? idempotencyKey)
        {
            var id = $"ch_{Interlocked.Increment(ref _next):D6}";
            var charge = new ChargeRecord(id, request.Reference, request.AmountCents, request.Currency, "succeeded", idempotencyKey);
            _charges[id] = charge;
            return charge;
        }
    }
}
