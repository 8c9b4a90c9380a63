using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using Shop.Externals.Hosting;

namespace Shop.Externals.Acquirer;

/// <summary>
/// A second payment provider, deliberately unlike <see cref="PaymentProvider.PaymentProviderApp"/>, so switching vendors
/// is a real translation and not a renamed URL: other routes (<c>/v1/payments</c>), an API key in <c>X-Api-Key</c>,
/// amounts in major units as a decimal (19.99, not 1999), idempotency by <c>X-Request-Token</c>, a refusal answered
/// 200 with <c>"status":"REFUSED"</c> (and kept under its token), and errors as <c>{"error":{"code","message"}}</c>
/// instead of problem details. Charges are still idempotent, refundable and found by token.
/// </summary>
public static class AcquirerApp
{
    /// <summary>The service name in logs and traces.</summary>
    public const string Name = "acquirer";

    /// <summary>The API key the stand-in accepts unless <c>--acquirer-api-key</c> says otherwise.</summary>
    public const string DefaultApiKey = "acq_test_key";

    /// <summary>The card token this acquirer always refuses.</summary>
    public const string RefusedCard = "tok_declined";

    /// <summary>The idempotency header.</summary>
    public const string RequestTokenHeader = "X-Request-Token";

    /// <summary>Creates the app on <paramref name="url"/>, accepting <paramref name="apiKey"/> (default <see cref="DefaultApiKey"/>).</summary>
    public static WebApplication Create(string url, string[]? args = null, string? apiKey = null) =>
        StandInApp.Create(Name, url, s => s.AddSingleton(new AcquirerLedger(apiKey ?? DefaultApiKey)), Map, args);

    private static void Map(IEndpointRouteBuilder endpoints)
    {
        var payments = endpoints.MapGroup("/v1/payments").WithTags("Acquirer").AddEndpointFilter(RequireApiKeyAsync);
        payments.MapPost("/", Pay);
        payments.MapGet("/", (AcquirerLedger ledger) => TypedResults.Ok(ledger.All()));
        payments.MapGet("/by-request-token/{token}", (string token, AcquirerLedger ledger) =>
            ledger.FindByToken(token) is { } payment ? Results.Ok(payment) : Error(StatusCodes.Status404NotFound, "payment_not_found", $"No payment under request token '{token}'."));
        payments.MapPost("/{paymentId}/reversals", (string paymentId, AcquirerLedger ledger) =>
            ledger.Reverse(paymentId) is { } payment
                ? Results.Ok(payment)
                : Error(StatusCodes.Status404NotFound, "payment_not_found", $"No captured payment '{paymentId}'."));
    }

    private static IResult Pay(PaymentRequest? request, HttpRequest http, AcquirerLedger ledger)
    {
        if (request?.Amount is null || string.IsNullOrWhiteSpace(request.MerchantReference) || request.Source?.Token is null)
        {
            return Error(StatusCodes.Status400BadRequest, "malformed_request",
                "Send {\"merchantReference\":\"order-42\",\"amount\":{\"value\":19.99,\"currency\":\"EUR\"},\"source\":{\"token\":\"tok_visa\"}}.");
        }

        // Three decimals is the finest any currency goes (BHD, KWD); more is a caller sending minor units or garbage.
        if (request.Amount.Value <= 0 || decimal.Round(request.Amount.Value, 3) != request.Amount.Value || request.Amount.Currency is not { Length: 3 })
        {
            return Error(StatusCodes.Status422UnprocessableEntity, "invalid_amount", "amount.value is positive with at most 3 decimals, amount.currency three letters.");
        }

        var token = http.Headers[RequestTokenHeader].ToString();
        var payment = ledger.Pay(string.IsNullOrEmpty(token) ? null : token, request);
        return Results.Ok(payment);
    }

    private static async ValueTask<object?> RequireApiKeyAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var ledger = context.HttpContext.RequestServices.GetRequiredService<AcquirerLedger>();
        return string.Equals(context.HttpContext.Request.Headers["X-Api-Key"].ToString(), ledger.ApiKey, StringComparison.Ordinal)
            ? await next(context)
            : Error(StatusCodes.Status401Unauthorized, "unauthorized", "Send the merchant's API key in X-Api-Key.");
    }

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new ErrorBody(new ErrorDetail(code, message)), statusCode: status);

    /// <summary>A payment request.</summary>
    public sealed record PaymentRequest(string? MerchantReference, Money? Amount, PaymentSource? Source);

    /// <summary>An amount in major units (19.99 EUR).</summary>
    public sealed record Money(decimal Value, string Currency);

    /// <summary>What pays.</summary>
    public sealed record PaymentSource(string? Token);

    /// <summary>A payment as the acquirer records it: <c>CAPTURED</c>, <c>REFUSED</c> or <c>REVERSED</c>.</summary>
    public sealed record Payment(
        string PaymentId,
        string MerchantReference,
        Money Amount,
        string Status,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RefusalReason,
        string? RequestToken);

    /// <summary>The acquirer's error envelope.</summary>
    public sealed record ErrorBody(ErrorDetail Error);

    /// <summary>One error.</summary>
    public sealed record ErrorDetail(string Code, string Message);

    private sealed class AcquirerLedger(string apiKey)
    {
        private readonly ConcurrentDictionary<string, Payment> _payments = new();
        private readonly ConcurrentDictionary<string, Lazy<string>> _byToken = new();
        private int _next;

        public string ApiKey { get; } = apiKey;

        public Payment Pay(string? token, PaymentRequest request)
        {
            if (token is null)
            {
                return New(request, null);
            }

            // Lazy: under a burst of retries with one token, exactly one of them creates the payment.
            var id = _byToken.GetOrAdd(token, t => new Lazy<string>(() => New(request, t).PaymentId)).Value;
            return _payments[id];
        }

        public Payment? FindByToken(string token) =>
            _byToken.TryGetValue(token, out var id) ? _payments.GetValueOrDefault(id.Value) : null;

        public Payment? Reverse(string paymentId)
        {
            while (_payments.TryGetValue(paymentId, out var payment))
            {
                if (payment.Status == "REFUSED")
                {
                    return null;
                }

                if (payment.Status == "REVERSED" || _payments.TryUpdate(paymentId, payment with { Status = "REVERSED" }, payment))
                {
                    return _payments[paymentId];
                }
            }

            return null;
        }

        public IReadOnlyList<Payment> All() => [.. _payments.Values.OrderBy(p => p.PaymentId, StringComparer.Ordinal)];

        private Payment New(PaymentRequest request, string? token)
        {
            var id = $"psp-{Interlocked.Increment(ref _next):D8}";
            var refused = request.Source!.Token == RefusedCard;
            var payment = new Payment(id, request.MerchantReference!, request.Amount!, refused ? "REFUSED" : "CAPTURED",
                refused ? "Refused by issuer" : null, token);
            _payments[id] = payment;
            return payment;
        }
    }
}
