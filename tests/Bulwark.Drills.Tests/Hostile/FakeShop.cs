using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bulwark.Drills.Tests.Hostile;

/// <summary>
/// A tiny shop on Kestrel with the routes the Hostile drill attacks, in two builds: <c>secure</c> answers as the
/// issue 9 security contract says; otherwise it has today's holes (no identity, a public charge endpoint that shares
/// the order's payment key, one idempotency namespace, no body limit, /metrics open). It is its own payment provider:
/// <c>GET /charges</c> is the ledger.
/// </summary>
internal sealed class FakeShop : IAsyncDisposable
{
    public const string OperatorKey = "fake-operator-key";
    private const long BodyLimit = 1024 * 1024;
    private const long OrderTotal = 4_550;
    private readonly WebApplication _app;

    private FakeShop(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<FakeShop> StartAsync(bool secure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var state = new State(secure);
        if (secure)
        {
            // Refused on the headers, before anything buffers it.
            app.Use(async (context, next) =>
            {
                if (context.Request.ContentLength > BodyLimit)
                {
                    context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                    return;
                }

                await next(context);
            });
        }
        else
        {
            // Today's fingerprint path: a body over its buffer is a 500.
            app.Use(async (context, next) =>
            {
                if (context.Request.ContentLength > BodyLimit)
                {
                    context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                    return;
                }

                await next(context);
            });
            app.MapGet("/metrics", () => "bulwark_build_info{commit=\"abc\"} 1");
            app.MapGet("/admin/dlq", () => Results.Ok(Array.Empty<string>()));
        }

        app.MapGet("/health/live", () => Results.Ok());
        state.Map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new FakeShop(app, new Uri(address + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private sealed class State(bool secure)
    {
        private readonly ConcurrentDictionary<Guid, (string Email, string Name, string Password)> _users = new();
        private readonly ConcurrentDictionary<string, Guid> _tokens = new();
        private readonly ConcurrentDictionary<Guid, Guid> _orders = new();
        private readonly ConcurrentDictionary<string, Wallet> _wallets = new();
        private readonly ConcurrentDictionary<string, (string Body, Guid OrderId)> _keys = new();
        private readonly ConcurrentDictionary<string, long> _ledger = new();

        public void Map(WebApplication app)
        {
            app.MapPost("/api/users", async (HttpContext http) =>
            {
                var body = await ReadAsync(http);
                var email = (string?)body?["email"] ?? "";
                var name = (string?)body?["displayName"] ?? "";
                if (secure && (Hostile(email) || Hostile(name)))
                {
                    return Results.Problem(statusCode: 422, title: "Invalid input");
                }

                var id = Guid.NewGuid();
                _users[id] = (email, name, (string?)body?["password"] ?? "");
                return Results.Created($"/api/users/{id}", new { id, email, displayName = name });
            });
            if (secure)
            {
                app.MapPost("/api/users/sign-in", async (HttpContext http) =>
                {
                    var body = await ReadAsync(http);
                    var user = _users.FirstOrDefault(u => u.Value.Email == (string?)body?["email"] && u.Value.Password == (string?)body?["password"]);
                    if (user.Key == Guid.Empty)
                    {
                        return Results.Problem(statusCode: 401);
                    }

                    var token = Guid.NewGuid().ToString("N");
                    _tokens[token] = user.Key;
                    return Results.Ok(new { accessToken = token, tokenType = "Bearer", expiresIn = 3600, customerId = user.Key });
                });
                app.MapGet("/api/users/me", (HttpContext http) => Caller(http) is { } me ? Results.Ok(new { id = me }) : Results.Problem(statusCode: 401));
            }

            app.MapGet("/api/users/{id:guid}", (Guid id, HttpContext http) => Owned(http, id, () => Results.Ok(new { id, email = _users[id].Email })));
            app.MapGet("/api/customers/{id:guid}/orders", (Guid id, HttpContext http) => Owned(http, id, () => Results.Ok(_orders.Where(o => o.Value == id).Select(o => new { id = o.Key, customerId = id }))));
            app.MapGet("/api/rewards/{id:guid}", (Guid id, HttpContext http) => Owned(http, id, () => Results.Ok(new { userId = id, points = 0 })));
            app.MapGet("/api/notifications", (Guid? userId, HttpContext http) =>
            {
                var caller = Caller(http);
                if (secure && caller is null)
                {
                    return Results.Problem(statusCode: 401);
                }

                var whose = userId ?? caller ?? Guid.Empty;
                return secure && whose != caller
                    ? Results.Problem(statusCode: 404)
                    : Results.Ok(new[] { new { userId = whose, recipient = _users.TryGetValue(whose, out var u) ? u.Email : null } });
            });

            app.MapPost("/api/orders", async (HttpContext http) =>
            {
                var caller = Caller(http);
                if (secure && caller is null)
                {
                    return Results.Problem(statusCode: 401);
                }

                var text = await new StreamReader(http.Request.Body).ReadToEndAsync();
                var owner = caller ?? Guid.Parse((string)JsonNode.Parse(text)!["customerId"]!);
                var key = http.Request.Headers["Idempotency-Key"].ToString();
                var scoped = secure ? $"{caller}:{key}" : key;
                var orderId = Guid.NewGuid();
                var stored = _keys.GetOrAdd(scoped, (text, orderId));
                if (stored.Body != text)
                {
                    return Results.Problem(statusCode: 422, title: "Idempotency-Key reused with another body");
                }

                if (stored.OrderId == orderId)
                {
                    _orders[orderId] = owner;
                    if (secure)
                    {
                        // The shop charges under its own key at once; no outside caller can reach that key.
                        _ledger[$"order-{orderId:N}"] = OrderTotal;
                    }
                }

                return Results.Accepted($"/api/orders/{stored.OrderId}", new { id = stored.OrderId, customerId = owner, status = "Pending", totalCents = OrderTotal });
            });
            app.MapGet("/api/orders/{id:guid}", (Guid id, HttpContext http) =>
            {
                if (!_orders.TryGetValue(id, out var owner))
                {
                    return Results.Problem(statusCode: 404);
                }

                return Owned(http, owner, () =>
                {
                    // Today's saga: the provider answers the order's key with whatever it already holds.
                    var charged = _ledger.GetOrAdd($"order-{id:N}", OrderTotal);
                    return Results.Ok(new { id, customerId = owner, status = "Confirmed", payment = "Charged", totalCents = OrderTotal, chargedCents = charged });
                });
            });

            app.MapPost("/api/payments/charges", async (HttpContext http) =>
            {
                if (secure && http.Request.Headers["X-Api-Key"] != OperatorKey)
                {
                    return Results.Problem(statusCode: 401);
                }

                var body = await ReadAsync(http);
                var currency = (string?)body?["currency"] ?? "";
                if (secure && currency is not ("EUR" or "USD"))
                {
                    return Results.Problem(statusCode: 422, title: "currency is not ISO 4217");
                }

                var key = http.Request.Headers["Idempotency-Key"].ToString();
                var providerKey = secure ? "operator:" + key : key;
                _ledger.TryAdd(providerKey, (long?)body?["amountCents"] ?? 0);
                return Results.Created($"/api/payments/charges/{providerKey}", new { chargeId = providerKey });
            });
            app.MapGet("/charges", () => Results.Ok(_ledger.Select(c => new { idempotencyKey = c.Key, amountCents = c.Value })));

            var wallets = app.MapGroup("/api/wallets");
            wallets.MapPost("/", async (HttpContext http) =>
            {
                var caller = Caller(http);
                if (secure && caller is null)
                {
                    return Results.Problem(statusCode: 401);
                }

                var body = await ReadAsync(http);
                var id = Guid.NewGuid().ToString("N");
                _wallets[id] = new Wallet(caller ?? Guid.Empty, (string?)body?["ownerName"] ?? "", 0);
                return Results.Created($"/api/wallets/{id}", new { id, balanceCents = 0 });
            });
            wallets.MapPost("/{id}/deposits", (string id, HttpContext http) => ChangeAsync(id, http, +1));
            wallets.MapPost("/{id}/withdrawals", (string id, HttpContext http) => ChangeAsync(id, http, -1));
            wallets.MapGet("/{id}", (string id, HttpContext http) =>
                _wallets.TryGetValue(id, out var w) ? Owned(http, w.Owner, () => Results.Ok(new { id, ownerName = w.Name, balanceCents = w.Balance })) : Results.Problem(statusCode: 404));
            wallets.MapDelete("/{id}/personal-data", (string id, HttpContext http) =>
                _wallets.TryGetValue(id, out var w) ? Owned(http, w.Owner, () =>
                {
                    _wallets[id] = w with { Name = "[shredded]" };
                    return Results.NoContent();
                }) : Results.Problem(statusCode: 404));
        }

        private async Task<IResult> ChangeAsync(string id, HttpContext http, int sign)
        {
            if (!_wallets.TryGetValue(id, out var wallet))
            {
                return Results.Problem(statusCode: 404);
            }

            var body = await ReadAsync(http);
            var balance = wallet.Balance + (sign * ((long?)body?["amountCents"] ?? 0));
            return Owned(http, wallet.Owner, () =>
            {
                if (balance < 0)
                {
                    return Results.Problem(statusCode: 409, title: "Insufficient funds");
                }

                _wallets[id] = wallet with { Balance = balance };
                return Results.Ok(new { id, balanceCents = _wallets[id].Balance });
            });
        }

        private IResult Owned(HttpContext http, Guid owner, Func<IResult> answer)
        {
            if (!secure)
            {
                return answer();
            }

            var caller = Caller(http);
            return caller is null ? Results.Problem(statusCode: 401) : caller == owner ? answer() : Results.Problem(statusCode: 404);
        }

        private Guid? Caller(HttpContext http)
        {
            var header = http.Request.Headers.Authorization.ToString();
            return header.StartsWith("Bearer ", StringComparison.Ordinal) && _tokens.TryGetValue(header[7..], out var user) ? user : null;
        }

        private static async Task<JsonNode?> ReadAsync(HttpContext http) =>
            await JsonNode.ParseAsync(http.Request.Body);

        private static bool Hostile(string text) => text.Any(c => char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069');

        private sealed record Wallet(Guid Owner, string Name, long Balance);
    }
}
