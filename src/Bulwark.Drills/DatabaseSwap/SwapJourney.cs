using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Drills.Timeline;
using Bulwark.ShopClient;

namespace Bulwark.Drills.DatabaseSwap;

/// <summary>What one run of the journey saw on one shop.</summary>
/// <param name="Steps">Every step's answer, in order.</param>
/// <param name="Elapsed">From the first request to the last answer.</param>
/// <param name="Requests">Requests sent (reads of a pending order included).</param>
internal sealed record JourneyRun(IReadOnlyList<JourneyStep> Steps, TimeSpan Elapsed, int Requests);

/// <summary>
/// The scripted customer journey the Database Swap drill runs on each shop, step by step in one order: browse, sign up
/// and in, a wallet with a deposit and its replay, an order with its replay, read back, and the bad inputs (404, 409,
/// 400, 401, 413, 422). Each step keeps its status and normalised body. About thirty requests plus the reads of the
/// order while its saga settles (bounded by the options).
/// </summary>
internal sealed class SwapJourney(HttpClient http, DatabaseSwapOptions options, TimeProvider time, DrillRecorder recorder)
{
    // Above the shop's 1 MiB body limit (docs/limits.md): the front door must refuse it the same way on both.
    private const int OversizedBody = (1024 * 1024) + (100 * 1024);
    private const long UnknownProduct = 999_999_999;

    private readonly JourneyAnswer _answer = new(options.PerRunFieldSet());
    private readonly List<JourneyStep> _steps = [];
    private int _requests;

    public async Task<JourneyRun> RunAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var product = options.Product.ToString(CultureInfo.InvariantCulture);
        await StepAsync("products", HttpMethod.Get, ShopPaths.Products(5), cancellationToken: cancellationToken).ConfigureAwait(false);
        await StepAsync("product", HttpMethod.Get, ShopPaths.Product(options.Product), cancellationToken: cancellationToken).ConfigureAwait(false);
        await StepAsync("product page", HttpMethod.Get, $"/api/products/{product}/page", cancellationToken: cancellationToken).ConfigureAwait(false);
        await StepAsync("reviews", HttpMethod.Get, $"/api/reviews/{product}", cancellationToken: cancellationToken).ConfigureAwait(false);
        await StepAsync("stock before the order", HttpMethod.Get, $"/api/inventory/{product}", cancellationToken: cancellationToken).ConfigureAwait(false);
        await StepAsync("unknown product", HttpMethod.Get, ShopPaths.Product((int)UnknownProduct), expectSuccess: false, cancellationToken: cancellationToken).ConfigureAwait(false);

        var email = $"swap-{Guid.NewGuid():N}@example.com";
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        var signUp = new { email, displayName = "Swap customer", password };
        await StepAsync("sign up", HttpMethod.Post, ShopPaths.Users, signUp, cancellationToken: cancellationToken).ConfigureAwait(false);
        await StepAsync("sign up again, same e-mail", HttpMethod.Post, ShopPaths.Users, signUp, expectSuccess: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        var signedIn = await StepAsync("sign in", HttpMethod.Post, ShopPaths.SignIn, new { email, password }, cancellationToken: cancellationToken).ConfigureAwait(false);
        await StepAsync("sign in, wrong password", HttpMethod.Post, ShopPaths.SignIn, new { email, password = password + "x" }, expectSuccess: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        var token = Text(signedIn, "accessToken");
        var customerId = Text(signedIn, "customerId") ?? Guid.Empty.ToString();
        await StepAsync("me", HttpMethod.Get, "/api/users/me", token: token, cancellationToken: cancellationToken).ConfigureAwait(false);

        var wallet = await StepAsync("open wallet", HttpMethod.Post, "/api/wallets", new { ownerName = "Swap customer", ownerEmail = email }, token, Key(), cancellationToken: cancellationToken).ConfigureAwait(false);
        var walletId = Text(wallet, "id") ?? "none";
        var depositKey = Key();
        var deposit = new { amountCents = options.DepositCents };
        await StepAsync("deposit", HttpMethod.Post, $"/api/wallets/{walletId}/deposits", deposit, token, depositKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        await StepAsync("deposit replayed, same key", HttpMethod.Post, $"/api/wallets/{walletId}/deposits", deposit, token, depositKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        await StepAsync("deposit of nothing", HttpMethod.Post, $"/api/wallets/{walletId}/deposits", new { amountCents = 0 }, token, Key(), expectSuccess: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await StepAsync("withdrawal beyond the balance", HttpMethod.Post, $"/api/wallets/{walletId}/withdrawals", new { amountCents = options.DepositCents * 10 }, token, Key(), expectSuccess: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await StepAsync("wallet", HttpMethod.Get, $"/api/wallets/{walletId}", token: token, cancellationToken: cancellationToken).ConfigureAwait(false);

        var order = new { items = new[] { new { productId = options.Product, quantity = 2 } }, cardToken = "tok_visa", shippingPostcode = "10115" };
        var orderKey = Key();
        var placed = await StepAsync("place order", HttpMethod.Post, ShopPaths.Orders, order, token, orderKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        await StepAsync("place order replayed, same key", HttpMethod.Post, ShopPaths.Orders, order, token, orderKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        await StepAsync("order without an idempotency key", HttpMethod.Post, ShopPaths.Orders, order, token, expectSuccess: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await StepAsync("order for no such product", HttpMethod.Post, ShopPaths.Orders, new { items = new[] { new { productId = UnknownProduct, quantity = 1 } }, cardToken = "tok_visa", shippingPostcode = "10115" }, token, Key(), expectSuccess: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        var orderId = Text(placed, "id") ?? Guid.Empty.ToString();
        await SettledAsync("order, settled", $"/api/orders/{orderId}", token, cancellationToken).ConfigureAwait(false);
        await SettledAsync("order history, settled", $"/api/customers/{customerId}/orders", token, cancellationToken).ConfigureAwait(false);
        await StepAsync("stock after the order", HttpMethod.Get, $"/api/inventory/{product}", cancellationToken: cancellationToken).ConfigureAwait(false);
        await StepAsync("unknown order", HttpMethod.Get, $"/api/orders/{Guid.NewGuid()}", token: token, expectSuccess: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await StepAsync("order id not a UUID", HttpMethod.Get, "/api/orders/not-an-order", token: token, expectSuccess: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await StepAsync("oversized sign-up", HttpMethod.Post, ShopPaths.Users, new { email, displayName = new string('x', OversizedBody), password }, expectSuccess: false, expectContinue: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new JourneyRun(_steps, time.GetElapsedTime(started), _requests);
    }

    private static string? Text(JsonNode? body, string name) =>
        body is JsonObject obj && obj[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string Key() => Guid.NewGuid().ToString("N");

    // A read the order's saga still changes is repeated until it shows no Pending order or SettleWithin passes; only the
    // last read is compared, so a saga (or the history projection behind it) that is merely slower on one database is
    // not taken for a different answer.
    private async Task SettledAsync(string step, string path, string? token, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            var (status, body, text) = await SendAsync(HttpMethod.Get, path, null, token, null, expectContinue: false, cancellationToken).ConfigureAwait(false);
            var pending = status == 200 && (body is JsonArray entries ? entries.Any(e => Text(e, "status") == "Pending") : Text(body, "status") == "Pending");
            if (!pending || time.GetElapsedTime(started) + options.SettlePollInterval > options.SettleWithin)
            {
                Record(step, HttpMethod.Get, path, status, text, expectSuccess: true);
                return;
            }

            await Task.Delay(options.SettlePollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<JsonNode?> StepAsync(
        string step, HttpMethod method, string path, object? body = null, string? token = null, string? idempotencyKey = null, bool expectSuccess = true, bool expectContinue = false, CancellationToken cancellationToken = default)
    {
        var (status, json, text) = await SendAsync(method, path, body, token, idempotencyKey, expectContinue, cancellationToken).ConfigureAwait(false);
        Record(step, method, path, status, text, expectSuccess);
        return json;
    }

    private void Record(string step, HttpMethod method, string path, int status, string? text, bool expectSuccess) =>
        _steps.Add(new JourneyStep(step, $"{method.Method} {_answer.Normalize(path)}", status, _answer.Fields(text), expectSuccess));

    private async Task<(int Status, JsonNode? Json, string? Text)> SendAsync(
        HttpMethod method, string path, object? body, string? token, string? idempotencyKey, bool expectContinue, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        // An oversized body waits for the server's go-ahead: refused by its length, it is never sent, so the refusal
        // is read on both shops instead of sometimes lost to a connection reset while the client is still writing.
        if (expectContinue)
        {
            request.Headers.ExpectContinue = true;
        }
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        _requests++;
        var begin = time.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            // The report's charts: every journey request, a 5xx counted as an error.
            recorder.Record(time.GetElapsedTime(begin), answered: true, error: (int)response.StatusCode >= 500);
            JsonNode? json = null;
            try
            {
                json = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // Not JSON (a server's plain 413, say): compared as text.
            }

            return ((int)response.StatusCode, json, text);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            recorder.Record(time.GetElapsedTime(begin), answered: false, error: true);
            return (0, null, null);
        }
    }
}
