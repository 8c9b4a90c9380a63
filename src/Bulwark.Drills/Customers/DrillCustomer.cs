using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Bulwark.Drills.Model;
using Bulwark.ShopClient;

namespace Bulwark.Drills.Customers;

/// <summary>
/// A customer a drill signs up and signs in on the target, so its traffic goes where a real customer's does. The e-mail
/// is fresh each time and the password random: nothing the drill leaves behind can be signed into afterwards.
/// </summary>
public sealed record DrillCustomer(Guid Id, string Email, string AccessToken)
{
    /// <summary>
    /// Signs up a fresh customer on the shop's own identity endpoints (<see cref="ShopPaths.Users"/>,
    /// <see cref="ShopPaths.SignIn"/>), sending the drill's default headers.
    /// </summary>
    /// <exception cref="DrillPreconditionException">The target refused either step.</exception>
    public static Task<DrillCustomer> SignUpAsync(HttpClient http, DrillContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return SignUpAsync(http, ShopPaths.Users, ShopPaths.SignIn, context.DefaultHeaders, cancellationToken);
    }

    /// <summary>Signs up a fresh customer at <paramref name="signUpPath"/> and signs it in at <paramref name="signInPath"/>.</summary>
    /// <exception cref="DrillPreconditionException">The target refused either step.</exception>
    public static async Task<DrillCustomer> SignUpAsync(HttpClient http, string signUpPath, string signInPath, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(headers);
        var email = $"drill-{Guid.NewGuid():N}@example.com";
        var password = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        using (var signUp = Post(signUpPath, new { email, displayName = "Drill customer", password }, headers))
        using (var answer = await http.SendAsync(signUp, cancellationToken).ConfigureAwait(false))
        {
            if (!answer.IsSuccessStatusCode)
            {
                throw new DrillPreconditionException($"Sign-up at {signUpPath} answered {(int)answer.StatusCode}; the drill needs a customer account.");
            }
        }

        using var signIn = Post(signInPath, new { email, password }, headers);
        using var response = await http.SendAsync(signIn, cancellationToken).ConfigureAwait(false);
        var token = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<SignedIn>(cancellationToken).ConfigureAwait(false) : null;
        if (token?.AccessToken is not { Length: > 0 } accessToken)
        {
            throw new DrillPreconditionException($"Sign-in at {signInPath} answered {(int)response.StatusCode} without an accessToken.");
        }

        return new DrillCustomer(token.CustomerId, email, accessToken);
    }

    /// <summary>
    /// Places an order for one unit of product 1 paid with the test card, as this customer, under a fresh
    /// <c>Idempotency-Key</c>; the drills that follow an order into the shop's consumers start from one.
    /// </summary>
    /// <param name="http">A client on the target.</param>
    /// <param name="headers">The drill's default headers, sent too.</param>
    /// <param name="purpose">What the drill needs the order for, named when the shop refuses it (e.g. "a return needs an order").</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The order's id.</returns>
    /// <exception cref="DrillPreconditionException">The target refused the order.</exception>
    public async Task<Guid> PlaceOrderAsync(HttpClient http, IReadOnlyDictionary<string, string> headers, string purpose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(headers);
        using var order = Post("/api/orders", new { items = new[] { new { productId = 1, quantity = 1 } }, cardToken = "tok_visa", shippingPostcode = "10115" }, headers);
        order.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        Authorize(order);
        using var placed = await http.SendAsync(order, cancellationToken).ConfigureAwait(false);
        if (!placed.IsSuccessStatusCode)
        {
            throw new DrillPreconditionException($"POST /api/orders answered {(int)placed.StatusCode}; {purpose}.");
        }

        return (await placed.Content.ReadFromJsonAsync<PlacedOrder>(cancellationToken).ConfigureAwait(false))?.Id
            ?? throw new DrillPreconditionException("POST /api/orders answered without an order id.");
    }

    /// <summary>
    /// Opens a wallet in this customer's name under a fresh <c>Idempotency-Key</c>; the drills that deposit into wallets
    /// start from one.
    /// </summary>
    /// <param name="http">A client on the target.</param>
    /// <param name="headers">The drill's default headers, sent too.</param>
    /// <param name="where">Which target, for a drill with several (e.g. "on A"), named when it refuses; null with one.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The wallet's id.</returns>
    /// <exception cref="DrillPreconditionException">The target refused the wallet.</exception>
    public async Task<string> OpenWalletAsync(HttpClient http, IReadOnlyDictionary<string, string> headers, string? where, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(headers);
        using var open = Post("/api/wallets", new { ownerName = "Drill customer", ownerEmail = Email }, headers);
        open.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString("N"));
        Authorize(open);
        using var response = await http.SendAsync(open, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != System.Net.HttpStatusCode.Created)
        {
            var on = where is null ? string.Empty : " " + where;
            throw new DrillPreconditionException($"Opening a wallet{on} answered {(int)response.StatusCode}; the drill needs wallets to deposit into.");
        }

        return (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false)).GetProperty("id").GetString()!;
    }

    /// <summary>Adds the customer's bearer token to <paramref name="request"/>.</summary>
    public void Authorize(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AccessToken);
    }

    private static HttpRequestMessage Post(string path, object body, IReadOnlyDictionary<string, string> headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    private sealed record PlacedOrder([property: JsonPropertyName("id")] Guid Id);

    private sealed record SignedIn([property: JsonPropertyName("accessToken")] string? AccessToken, [property: JsonPropertyName("customerId")] Guid CustomerId);
}
