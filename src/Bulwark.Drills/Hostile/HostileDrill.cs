using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.Hostile;

/// <summary>
/// Hostile: replays the attacks of a security review against a running shop — a 1-cent payment of an order, one
/// customer acting on another's orders, wallet and data, anonymous reads, over-size bodies, idempotency keys reused
/// across callers, hostile input, the management surface on the public port, and a pile of idle connections — and
/// judges every answer against the shop's security contract (<c>docs/security.md</c>).
/// </summary>
/// <remarks>
/// Attack requests never carry the context's default headers: an operator key on them would make every refusal moot.
/// The key in <see cref="HostileOptions.AdminKeyHeader"/> is used only where the contract asks for an operator.
/// </remarks>
public sealed class HostileDrill : IDrill
{
    private const string JsonMediaType = "application/json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HostileOptions _options;

    /// <summary>Creates the drill.</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public HostileDrill(HostileOptions? options = null)
    {
        _options = options ?? new HostileOptions();
        Validator.ValidateObject(_options, new ValidationContext(_options), validateAllProperties: true);
        if (_options.ProviderUrl is { } provider)
        {
            LoopbackTarget.Ensure(provider);
        }
    }

    /// <inheritdoc />
    public string Name => "hostile";

    /// <inheritdoc />
    public string Title => "Hostile";

    /// <inheritdoc />
    public string Question => "Can a hostile client pay an order with 1 cent, read or drain another customer's things, or starve the host? (Trust: identity, limits, validation.)";

    /// <inheritdoc />
    public IReadOnlyList<string> Patterns { get; } = ["15 Idempotency", "05 Rate Limiting", "02 Bulkhead"];

    /// <inheritdoc />
    public async Task ArrangeAsync(DrillContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await context.RequireTargetAnswersAsync("/health/live", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DrillVerdict> ExerciseAsync(DrillContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var http = LoopbackHttp.CreateClient(context.Target, _options.RequestTimeout);
        var run = new Run(this, http, context, cancellationToken);
        return HostileJudge.Judge(await run.ExecuteAsync().ConfigureAwait(false));
    }

    /// <inheritdoc />
    public Task RestoreAsync(DrillContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>One run's state: its customers, their things and what every probe saw.</summary>
    private sealed class Run(HostileDrill drill, HttpClient http, DrillContext context, CancellationToken cancellationToken)
    {
        private readonly HostileOptions _options = drill._options;
        private readonly string _run = Guid.NewGuid().ToString("N")[..12];
        private readonly List<HostileProbe> _probes = [];
        private readonly List<string> _notRun = [];
        private readonly List<string> _broken = [];
        private string? _adminKey;

        public async Task<HostileMeasurement> ExecuteAsync()
        {
            _adminKey = context.DefaultHeaders.TryGetValue(_options.AdminKeyHeader, out var key) ? key : null;
            var a = await SignUpAndInAsync("a").ConfigureAwait(false);
            var b = await SignUpAndInAsync("b").ConfigureAwait(false);
            var identity = new IdentityObservation([a.SignUpStatus, b.SignUpStatus], [a.SignInStatus, b.SignInStatus], (a.Token is null ? 0 : 1) + (b.Token is null ? 0 : 1));
            if (a.Id is null || b.Id is null)
            {
                throw new DrillPreconditionException(string.Create(CultureInfo.InvariantCulture,
                    $"Signing up the drill's customers answered {a.SignUpStatus} and {b.SignUpStatus} (POST /api/users); nothing can be attacked without them."));
            }

            var orderKey = "hostile-order-" + _run;
            var orderJson = OrderJson(a.Id, 1);
            var placed = await SendAsync(HttpMethod.Post, "/api/orders", a, orderJson, orderKey).ConfigureAwait(false);
            var orderId = placed.Read("id");
            if (placed.Status is < 200 or >= 300 || orderId is null)
            {
                throw new DrillPreconditionException(string.Create(CultureInfo.InvariantCulture,
                    $"Customer A could not place an order (POST /api/orders answered {placed.Status}: {placed.Excerpt}); the order checks need one."));
            }

            // At once: the pre-emption only works while the shop's own charge has not been sent yet.
            var preempt = await PreemptChargeAsync(a, orderId).ConfigureAwait(false);
            var reuse = await ReuseKeyAsync(b, orderKey, orderJson, OrderJson(a.Id, 2), orderId).ConfigureAwait(false);

            var walletId = await OpenWalletAsync(a).ConfigureAwait(false);
            WalletSnapshot? before = walletId is null ? null : await ReadWalletAsync(a, walletId).ConfigureAwait(false);
            if (walletId is not null && before?.Balance is null)
            {
                _broken.Add($"A could not read its own wallet ({before?.Status}); the wallet checks ran but A's balance could not be compared.");
            }

            await AnonymousAsync(a, orderId, walletId).ConfigureAwait(false);
            await CrossCustomerAsync(a, b, orderId, walletId).ConfigureAwait(false);
            WalletObservation? wallet = null;
            if (walletId is not null && before is { Balance: { } balance, Owner: { } owner })
            {
                var after = await ReadWalletAsync(a, walletId).ConfigureAwait(false);
                wallet = new WalletObservation(balance, after.Balance, owner, after.Owner, after.Status);
            }

            var oneCent = await SettleAsync(a, orderId, preempt).ConfigureAwait(false);
            await ValidationAsync().ConfigureAwait(false);
            await ManagementAsync().ConfigureAwait(false);
            await OversizeAsync(a, walletId).ConfigureAwait(false);
            var idle = await IdleAsync(a, orderId).ConfigureAwait(false);
            return new HostileMeasurement(identity, oneCent, _probes, wallet, reuse, idle, _notRun, _broken);
        }

        private async Task<Customer> SignUpAndInAsync(string label)
        {
            var email = $"hostile-{label}-{_run}@example.com";
            var password = "Hostile-drill-" + _run;
            var signUp = await SendAsync(HttpMethod.Post, "/api/users", null, Serialize(new { email, displayName = "Hostile " + label.ToUpperInvariant(), password })).ConfigureAwait(false);
            var signIn = await SendAsync(HttpMethod.Post, "/api/users/sign-in", null, Serialize(new { email, password })).ConfigureAwait(false);
            return new Customer(label.ToUpperInvariant(), email, signUp.Read("id"), signUp.Status, signIn.Status, signIn.Status == 200 ? signIn.Read("accessToken") : null);
        }

        private async Task<int> PreemptChargeAsync(Customer a, string orderId)
        {
            var paymentKey = "order-" + Guid.Parse(orderId).ToString("N");
            var body = Serialize(new { reference = paymentKey, amountCents = 1, currency = "EUR", cardToken = "tok_visa" });
            return (await SendAsync(HttpMethod.Post, "/api/payments/charges", a, body, paymentKey).ConfigureAwait(false)).Status;
        }

        private async Task<KeyReuseObservation> ReuseKeyAsync(Customer b, string victimKey, string sameJson, string otherJson, string victimOrderId)
        {
            var answers = new List<KeyReuseAnswer>();
            foreach (var (name, json) in new[] { ("same", sameJson), ("other", otherJson) })
            {
                var answer = await SendAsync(HttpMethod.Post, "/api/orders", b, json, victimKey).ConfigureAwait(false);
                answers.Add(new KeyReuseAnswer(name, answer.Status, answer.Status is >= 200 and < 300 ? answer.Read("id") : null));
            }

            return new KeyReuseObservation(victimOrderId, answers);
        }

        private async Task<string?> OpenWalletAsync(Customer a)
        {
            var opened = await SendAsync(HttpMethod.Post, "/api/wallets", a, Serialize(new { ownerName = "Hostile A", ownerEmail = a.Email }), "hostile-wallet-" + _run).ConfigureAwait(false);
            var walletId = opened.Read("id");
            if (opened.Status is < 200 or >= 300 || walletId is null)
            {
                _broken.Add($"A could not open a wallet (POST /api/wallets answered {opened.Status}: {opened.Excerpt}), so nobody could try to drain or shred it.");
                return null;
            }

            var deposit = await SendAsync(HttpMethod.Post, $"/api/wallets/{walletId}/deposits", a, Serialize(new { amountCents = 5_000 }), "hostile-deposit-" + _run).ConfigureAwait(false);
            if (deposit.Status is < 200 or >= 300)
            {
                _broken.Add($"A could not deposit into its wallet ({deposit.Status}: {deposit.Excerpt}), so there was no money to drain.");
            }

            return walletId;
        }

        private async Task<WalletSnapshot> ReadWalletAsync(Customer a, string walletId)
        {
            var read = await SendAsync(HttpMethod.Get, $"/api/wallets/{walletId}", a).ConfigureAwait(false);
            var balance = read.Status == 200 && long.TryParse(read.Read("balanceCents"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var cents) ? cents : (long?)null;
            return new WalletSnapshot(read.Status, balance, read.Status == 200 ? read.Read("ownerName") : null);
        }

        private async Task AnonymousAsync(Customer a, string orderId, string? walletId)
        {
            const string check = "3 anonymous";
            await ProbeAsync(check, "anonymous: GET /api/users/me", HostileExpectation.Unauthenticated, HttpMethod.Get, "/api/users/me", null, a).ConfigureAwait(false);
            await ProbeAsync(check, "anonymous: POST /api/orders", HostileExpectation.Unauthenticated, HttpMethod.Post, "/api/orders", null, a, OrderJson(a.Id!, 1), "hostile-anon-order-" + _run).ConfigureAwait(false);
            await ProbeAsync(check, "anonymous: POST /api/wallets", HostileExpectation.Unauthenticated, HttpMethod.Post, "/api/wallets", null, a, Serialize(new { ownerName = "Anon", ownerEmail = "anon@example.com" }), "hostile-anon-wallet-" + _run).ConfigureAwait(false);
            await VictimProbesAsync(check, "anonymous", HostileExpectation.Unauthenticated, null, a, orderId, walletId).ConfigureAwait(false);
        }

        private Task CrossCustomerAsync(Customer a, Customer b, string orderId, string? walletId) =>
            VictimProbesAsync("2 cross-customer", "B", HostileExpectation.Refused, b, a, orderId, walletId);

        private async Task VictimProbesAsync(string check, string who, HostileExpectation expect, Customer? caller, Customer a, string orderId, string? walletId)
        {
            await ProbeAsync(check, $"{who}: GET /api/orders/{{A's order}}", expect, HttpMethod.Get, $"/api/orders/{orderId}", caller, a).ConfigureAwait(false);
            await ProbeAsync(check, $"{who}: GET /api/customers/{{A}}/orders", expect, HttpMethod.Get, $"/api/customers/{a.Id}/orders", caller, a).ConfigureAwait(false);
            await ProbeAsync(check, $"{who}: GET /api/users/{{A}}", expect, HttpMethod.Get, $"/api/users/{a.Id}", caller, a).ConfigureAwait(false);
            await ProbeAsync(check, $"{who}: GET /api/notifications?userId={{A}}", caller is null ? expect : HostileExpectation.RefusedOrOwnOnly, HttpMethod.Get, $"/api/notifications?userId={a.Id}", caller, a).ConfigureAwait(false);
            await ProbeAsync(check, $"{who}: GET /api/rewards/{{A}}", expect, HttpMethod.Get, $"/api/rewards/{a.Id}", caller, a).ConfigureAwait(false);
            if (walletId is null)
            {
                return;
            }

            await ProbeAsync(check, $"{who}: POST /api/wallets/{{A's wallet}}/withdrawals", expect, HttpMethod.Post, $"/api/wallets/{walletId}/withdrawals", caller, a, Serialize(new { amountCents = 5_000 }), $"hostile-drain-{who}-{_run}").ConfigureAwait(false);
            await ProbeAsync(check, $"{who}: GET /api/wallets/{{A's wallet}}", expect, HttpMethod.Get, $"/api/wallets/{walletId}", caller, a).ConfigureAwait(false);
            await ProbeAsync(check, $"{who}: DELETE /api/wallets/{{A's wallet}}/personal-data", expect, HttpMethod.Delete, $"/api/wallets/{walletId}/personal-data", caller, a).ConfigureAwait(false);
        }

        private async Task<OneCentObservation> SettleAsync(Customer a, string orderId, int chargeStatus)
        {
            var started = context.TimeProvider.GetTimestamp();
            Answer order;
            while (true)
            {
                order = await SendAsync(HttpMethod.Get, $"/api/orders/{orderId}", a).ConfigureAwait(false);
                if (order.Status != 200 || order.Read("status") is not "Pending" || context.TimeProvider.GetElapsedTime(started) >= _options.SettleFor)
                {
                    break;
                }

                await Task.Delay(_options.SettlePollInterval, context.TimeProvider, cancellationToken).ConfigureAwait(false);
            }

            long.TryParse(order.Read("totalCents"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var total);
            IReadOnlyList<long>? charges = null;
            if (_options.ProviderUrl is { } provider)
            {
                charges = await ReadLedgerAsync(provider, Guid.Parse(orderId)).ConfigureAwait(false);
            }
            else
            {
                _notRun.Add("the payment provider's ledger was not read (pass --payment-control http://127.0.0.1:5101): the one-cent check judged the shop's answers only.");
            }

            return new OneCentObservation(chargeStatus, order.Status == 200 ? order.Read("status") : null, order.Status == 200 ? order.Read("payment") : null, total, charges);
        }

        private async Task<IReadOnlyList<long>?> ReadLedgerAsync(Uri provider, Guid orderId)
        {
            using var ledger = LoopbackHttp.CreateClient(provider, _options.RequestTimeout);
            try
            {
                using var response = await ledger.GetAsync(new Uri("/charges", UriKind.Relative), cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    _broken.Add($"the payment provider's ledger answered {(int)response.StatusCode} (GET {provider}charges).");
                    return null;
                }

                var all = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) as JsonArray ?? [];
                // Any key naming the order counts: the shop's own order-<id>, or an outside key that collided with it.
                string[] ids = [orderId.ToString("N"), orderId.ToString("D")];
                return [.. all.OfType<JsonObject>()
                    .Where(c => c["idempotencyKey"]?.GetValue<string>() is { } k && ids.Any(id => k.Contains(id, StringComparison.OrdinalIgnoreCase)))
                    .Select(c => c["amountCents"]?.GetValue<long>() ?? 0)];
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or InvalidOperationException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                _broken.Add($"the payment provider's ledger could not be read ({e.Message}).");
                return null;
            }
        }

        private async Task ValidationAsync()
        {
            const string check = "6 validation";
            foreach (var (what, name, email) in new[]
            {
                ("display name with NUL", "Eve\u0000Admin", $"hostile-nul-{_run}@example.com"),
                ("display name with a bidi override (U+202E)", "Eve\u202Egpj.exe", $"hostile-bidi-{_run}@example.com"),
                ("e-mail with a bidi override (U+202E)", "Eve", $"hostile-\u202Email-{_run}@example.com"),
            })
            {
                await ProbeAsync(check, $"anonymous: POST /api/users, {what}", HostileExpectation.Unprocessable, HttpMethod.Post, "/api/users", null, null,
                    Serialize(new { email, displayName = name, password = "Hostile-drill-" + _run })).ConfigureAwait(false);
            }

            if (_adminKey is null)
            {
                _notRun.Add("the operator's charge with currency \"€€€\" (pass --api-key with an operator key).");
                return;
            }

            using var management = _options.ManagementUrl is null ? null : LoopbackHttp.CreateClient(_options.ManagementUrl, _options.RequestTimeout);
            var answer = await SendAsync(HttpMethod.Post, "/api/payments/charges", null, Serialize(new { reference = "hostile-currency-" + _run, amountCents = 100, currency = "€€€", cardToken = "tok_visa" }), "hostile-currency-" + _run, operatorKey: true, client: management).ConfigureAwait(false);
            if (answer.Status == 404 && management is null)
            {
                // Outside Development the operator surface lives on the management port: nothing to judge here.
                _notRun.Add("the operator's charge with currency \"€€€\": the public port does not serve it (pass --management with the management URL).");
                return;
            }

            _probes.Add(new HostileProbe(check, "operator: POST /api/payments/charges, currency \"€€€\"", HostileExpectation.Unprocessable, answer.Status, Detail: Detail(answer, HostileExpectation.Unprocessable)));
        }

        private async Task ManagementAsync()
        {
            const string check = "7 management";
            var informational = _options.TargetIsDevelopment;
            foreach (var path in new[] { "/metrics", "/admin/dlq" })
            {
                var answer = await SendAsync(HttpMethod.Get, path, null).ConfigureAwait(false);
                _probes.Add(new HostileProbe(check, $"anonymous: GET {path} on the public port", HostileExpectation.NotServed, answer.Status, Informational: informational, Detail: Detail(answer, HostileExpectation.NotServed)));
            }

            if (_adminKey is not null)
            {
                var answer = await SendAsync(HttpMethod.Get, "/admin/dlq", null, operatorKey: true).ConfigureAwait(false);
                // Even the right key must not open it here: the operator surface lives on the management port.
                _probes.Add(new HostileProbe(check, "operator: GET /admin/dlq on the public port", HostileExpectation.NotServed, answer.Status, Informational: informational, Detail: Detail(answer, HostileExpectation.NotServed)));
            }
        }

        private async Task OversizeAsync(Customer a, string? walletId)
        {
            const string check = "4 oversize";
            var endpoints = new List<(string Path, string Label, string Json)>
            {
                ("/api/orders", "POST /api/orders", OrderJson(a.Id!, 1)),
                ("/api/wallets", "POST /api/wallets", Serialize(new { ownerName = "Hostile A", ownerEmail = a.Email })),
            };
            if (walletId is not null)
            {
                endpoints.Add(($"/api/wallets/{walletId}/deposits", "POST /api/wallets/{A's wallet}/deposits", Serialize(new { amountCents = 1 })));
            }

            for (var round = 0; round < _options.OversizeRounds; round++)
            {
                foreach (var size in _options.OversizeBytes)
                {
                    foreach (var (path, label, json) in endpoints)
                    {
                        var body = Pad(json, size);
                        var answer = await SendAsync(HttpMethod.Post, path, a, body, $"hostile-big-{round}-{size}-{Guid.NewGuid():N}", expectContinue: true).ConfigureAwait(false);
                        var mb = (size / 1_000_000.0).ToString("0.0", CultureInfo.InvariantCulture);
                        _probes.Add(new HostileProbe(check, $"A: {label}, {mb} MB body, round {round + 1}", HostileExpectation.TooLarge, answer.Status, Detail: Detail(answer, HostileExpectation.TooLarge)));
                    }
                }
            }
        }

        private async Task<IdleObservation?> IdleAsync(Customer a, string orderId)
        {
            if (_options.IdleConnections == 0)
            {
                _notRun.Add("idle connections (IdleConnections = 0).");
                return null;
            }

            using var idle = await IdleConnections.OpenAsync(context.Target, _options.IdleConnections, _options.IdleConnectConcurrency, _options.IdleOpenTimeout, context.TimeProvider, cancellationToken).ConfigureAwait(false);
            // A new client: a real customer arriving now needs a new connection, not one pooled before the flood.
            using var fresh = LoopbackHttp.CreateClient(context.Target, _options.RequestTimeout);
            var live = await TimedAsync(fresh, HttpMethod.Get, "/health/live", null, "GET /health/live").ConfigureAwait(false);
            var read = await TimedAsync(fresh, HttpMethod.Get, $"/api/orders/{orderId}", a, "A: GET /api/orders/{A's order}").ConfigureAwait(false);
            return new IdleObservation(_options.IdleConnections, idle.Opened, idle.CountClosedByServer(), idle.SourceAddress, [live, read], _options.IdleProbeBound);
        }

        private async Task<TimedAnswer> TimedAsync(HttpClient client, HttpMethod method, string path, Customer? caller, string label)
        {
            var started = context.TimeProvider.GetTimestamp();
            var answer = await SendAsync(method, path, caller, client: client).ConfigureAwait(false);
            return new TimedAnswer(label, answer.Status, context.TimeProvider.GetElapsedTime(started));
        }

        private async Task ProbeAsync(string check, string label, HostileExpectation expect, HttpMethod method, string path, Customer? caller, Customer? victim, string? json = null, string? key = null)
        {
            var answer = await SendAsync(method, path, caller, json, key).ConfigureAwait(false);
            var mentions = victim is not null && answer.Status is >= 200 and < 300
                && (answer.Body.Contains(victim.Id!, StringComparison.OrdinalIgnoreCase) || answer.Body.Contains(victim.Email, StringComparison.OrdinalIgnoreCase)
                    || (victim.Id is not null && answer.Body.Contains(Guid.Parse(victim.Id).ToString("N"), StringComparison.OrdinalIgnoreCase)));
            _probes.Add(new HostileProbe(check, label, expect, answer.Status, mentions, Detail: Detail(answer, expect)));
        }

        private async Task<Answer> SendAsync(
            HttpMethod method, string path, Customer? caller, string? json = null, string? idempotencyKey = null, bool operatorKey = false, bool expectContinue = false, HttpClient? client = null)
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            if (json is not null)
            {
                request.Content = new StringContent(json, Encoding.UTF8, JsonMediaType);
            }

            if (caller?.Token is { } token)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            if (idempotencyKey is not null)
            {
                request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
            }

            if (operatorKey && _adminKey is not null)
            {
                request.Headers.TryAddWithoutValidation(_options.AdminKeyHeader, _adminKey);
            }

            // Over-size bodies: let the server refuse on the headers, so its 413 is read instead of a reset while the
            // client is still writing megabytes.
            request.Headers.ExpectContinue = expectContinue ? true : null;
            try
            {
                using var response = await (client ?? http).SendAsync(request, cancellationToken).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                return new Answer((int)response.StatusCode, body);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return new Answer(0, $"no answer: {e.GetType().Name}: {e.Message}");
            }
        }

        private static string? Detail(Answer answer, HostileExpectation expect) =>
            HostileJudge.Allowed(expect).Contains(answer.Status) ? null : answer.Excerpt;

        private string OrderJson(string customerId, int quantity) =>
            // customerId is for shops without identity; the contract says the token decides and the body's is ignored.
            Serialize(new { customerId, items = new[] { new { productId = _options.ProductId, quantity } }, cardToken = "tok_visa", shippingPostcode = "10115" });

        private static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Json);

        private static string Pad(string json, int size)
        {
            // A valid JSON object of the endpoint's own shape plus a long string member: the limit, not the parser, must stop it.
            var padding = Math.Max(0, size - json.Length - 12);
            return string.Concat(json.AsSpan(0, json.Length - 1), ",\"note\":\"", new string('a', padding), "\"}");
        }
    }

    private sealed record Customer(string Label, string Email, string? Id, int SignUpStatus, int SignInStatus, string? Token);

    private sealed record WalletSnapshot(int Status, long? Balance, string? Owner);

    private sealed record Answer(int Status, string Body)
    {
        /// <summary>The start of the body with control and bidi characters escaped: a report must not be re-ordered by what it quotes.</summary>
        public string Excerpt
        {
            get
            {
                var text = new StringBuilder();
                foreach (var ch in Body.Length <= 160 ? Body : Body[..160])
                {
                    if (char.IsControl(ch) || ch is '\u200E' or '\u200F' or >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069')
                    {
                        text.Append(CultureInfo.InvariantCulture, $"\\u{(int)ch:X4}");
                    }
                    else
                    {
                        text.Append(ch);
                    }
                }

                return Body.Length <= 160 ? text.ToString() : text + "…";
            }
        }

        public string? Read(string property)
        {
            try
            {
                return JsonNode.Parse(Body) is JsonObject o && o[property] is JsonValue v
                    ? v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString()
                    : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
