using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;
using Bulwark.ShopClient;
using Bulwark.ShopClient.Generated.Api;
using Bulwark.ShopClient.Generated.Models;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;

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
public sealed class HostileDrill : Drill<HostileOptions>
{
    private const string JsonMediaType = "application/json";

    /// <summary>Creates the drill.</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public HostileDrill(HostileOptions? options = null)
        : base(new("hostile", "Hostile", "Can a hostile client pay an order with 1 cent, read or drain another customer's things, or starve the host? (Trust: identity, limits, validation.)", ["15 Idempotency", "05 Rate Limiting", "02 Bulkhead"]), options)
    {
        if (Options.ProviderUrl is { } provider)
        {
            LoopbackTarget.Ensure(provider);
        }
    }

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        await context.RequireTargetAnswersAsync(ShopPaths.Live, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        using var http = LoopbackHttp.CreateClient(context.Target, Options.RequestTimeout);
        using var shop = new ShopApi(http);
        var run = new Run(this, shop, context, cancellationToken);
        return HostileJudge.Judge(await run.ExecuteAsync().ConfigureAwait(false));
    }

    /// <summary>One run's state: its customers, their things and what every probe saw.</summary>
    /// <remarks>
    /// Every address and every well-formed body comes from the shop's typed client (the OpenAPI document); only the
    /// hostile bodies (padded past the limits) are raw JSON. Answers are read raw: a refusal is what a probe expects.
    /// </remarks>
    private sealed class Run(HostileDrill drill, ShopApi shop, DrillContext context, CancellationToken cancellationToken)
    {
        private readonly HostileOptions _options = drill.Options;
        private readonly string _run = Guid.NewGuid().ToString("N")[..12];
        private readonly List<HostileProbe> _probes = [];
        private readonly List<string> _notRun = [];
        private readonly List<string> _broken = [];
        private string? _adminKey;

        private ApiRequestBuilder Api => shop.Client.Api;

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
            var placed = await SendAsync(PlaceOrder(a.Id, 1), a, idempotencyKey: orderKey).ConfigureAwait(false);
            var orderId = placed.Read("id");
            if (placed.Status is < 200 or >= 300 || orderId is null)
            {
                throw new DrillPreconditionException(string.Create(CultureInfo.InvariantCulture,
                    $"Customer A could not place an order (POST /api/orders answered {placed.Status}: {placed.Excerpt}); the order checks need one."));
            }

            // At once: the pre-emption only works while the shop's own charge has not been sent yet.
            var preempt = await PreemptChargeAsync(a, orderId).ConfigureAwait(false);
            var reuse = await ReuseKeyAsync(b, a.Id, orderKey, orderId).ConfigureAwait(false);

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
            var signUp = await SendAsync(Api.Users.ToPostRequestInformation(new IdentitySignUp { Email = email, DisplayName = "Hostile " + label.ToUpperInvariant(), Password = password }), null).ConfigureAwait(false);
            var signIn = await SendAsync(Api.Users.SignIn.ToPostRequestInformation(new IdentitySignInBody { Email = email, Password = password }), null).ConfigureAwait(false);
            return new Customer(label.ToUpperInvariant(), email, signUp.Read("id"), signUp.Status, signIn.Status, signIn.Status == 200 ? signIn.Read("accessToken") : null);
        }

        private async Task<int> PreemptChargeAsync(Customer a, string orderId)
        {
            var paymentKey = "order-" + Guid.Parse(orderId).ToString("N");
            var charge = Api.Payments.Charges.ToPostRequestInformation(new PaymentChargeBody { Reference = paymentKey, AmountCents = 1, Currency = "EUR", CardToken = "tok_visa" });
            return (await SendAsync(charge, a, idempotencyKey: paymentKey).ConfigureAwait(false)).Status;
        }

        private async Task<KeyReuseObservation> ReuseKeyAsync(Customer b, string victimId, string victimKey, string victimOrderId)
        {
            var answers = new List<KeyReuseAnswer>();
            foreach (var (name, quantity) in new[] { ("same", 1), ("other", 2) })
            {
                var answer = await SendAsync(PlaceOrder(victimId, quantity), b, idempotencyKey: victimKey).ConfigureAwait(false);
                answers.Add(new KeyReuseAnswer(name, answer.Status, answer.Status is >= 200 and < 300 ? answer.Read("id") : null));
            }

            return new KeyReuseObservation(victimOrderId, answers);
        }

        private async Task<string?> OpenWalletAsync(Customer a)
        {
            var opened = await SendAsync(OpenWallet("Hostile A", a.Email), a, idempotencyKey: "hostile-wallet-" + _run).ConfigureAwait(false);
            var walletId = opened.Read("id");
            if (opened.Status is < 200 or >= 300 || walletId is null)
            {
                _broken.Add($"A could not open a wallet (POST /api/wallets answered {opened.Status}: {opened.Excerpt}), so nobody could try to drain or shred it.");
                return null;
            }

            var deposit = await SendAsync(Api.Wallets[walletId].Deposits.ToPostRequestInformation(new WalletAmount { AmountCents = 5_000 }), a, idempotencyKey: "hostile-deposit-" + _run).ConfigureAwait(false);
            if (deposit.Status is < 200 or >= 300)
            {
                _broken.Add($"A could not deposit into its wallet ({deposit.Status}: {deposit.Excerpt}), so there was no money to drain.");
            }

            return walletId;
        }

        private async Task<WalletSnapshot> ReadWalletAsync(Customer a, string walletId)
        {
            var read = await SendAsync(Api.Wallets[walletId].ToGetRequestInformation(), a).ConfigureAwait(false);
            var balance = read.Status == 200 && long.TryParse(read.Read("balanceCents"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var cents) ? cents : (long?)null;
            return new WalletSnapshot(read.Status, balance, read.Status == 200 ? read.Read("ownerName") : null);
        }

        private async Task AnonymousAsync(Customer a, string orderId, string? walletId)
        {
            const string check = "3 anonymous";
            await ProbeAsync(check, "anonymous: GET /api/users/me", HostileExpectation.Unauthenticated, Api.Users.Me.ToGetRequestInformation(), null, a).ConfigureAwait(false);
            await ProbeAsync(check, "anonymous: POST /api/orders", HostileExpectation.Unauthenticated, PlaceOrder(a.Id!, 1), null, a, "hostile-anon-order-" + _run).ConfigureAwait(false);
            await ProbeAsync(check, "anonymous: POST /api/wallets", HostileExpectation.Unauthenticated, OpenWallet("Anon", "anon@example.com"), null, a, "hostile-anon-wallet-" + _run).ConfigureAwait(false);
            await VictimProbesAsync(check, "anonymous", HostileExpectation.Unauthenticated, null, a, orderId, walletId).ConfigureAwait(false);
        }

        private Task CrossCustomerAsync(Customer a, Customer b, string orderId, string? walletId) =>
            VictimProbesAsync("2 cross-customer", "B", HostileExpectation.Refused, b, a, orderId, walletId);

        private async Task VictimProbesAsync(string check, string who, HostileExpectation expect, Customer? caller, Customer a, string orderId, string? walletId)
        {
            await ProbeAsync(check, $"{who}: GET /api/orders/{{A's order}}", expect, Api.Orders[orderId].ToGetRequestInformation(), caller, a).ConfigureAwait(false);
            await ProbeAsync(check, $"{who}: GET /api/customers/{{A}}/orders", expect, Api.Customers[a.Id!].Orders.ToGetRequestInformation(), caller, a).ConfigureAwait(false);
            await ProbeAsync(check, $"{who}: GET /api/users/{{A}}", expect, Api.Users[a.Id!].ToGetRequestInformation(), caller, a).ConfigureAwait(false);
            await ProbeAsync(check, $"{who}: GET /api/notifications?userId={{A}}", caller is null ? expect : HostileExpectation.RefusedOrOwnOnly, Api.Notifications.ToGetRequestInformation(r => r.QueryParameters.UserId = a.Id), caller, a).ConfigureAwait(false);
            await ProbeAsync(check, $"{who}: GET /api/rewards/{{A}}", expect, Api.Rewards[a.Id!].ToGetRequestInformation(), caller, a).ConfigureAwait(false);
            if (walletId is null)
            {
                return;
            }

            var wallet = Api.Wallets[walletId];
            await ProbeAsync(check, $"{who}: POST /api/wallets/{{A's wallet}}/withdrawals", expect, wallet.Withdrawals.ToPostRequestInformation(new WalletAmount { AmountCents = 5_000 }), caller, a, $"hostile-drain-{who}-{_run}").ConfigureAwait(false);
            await ProbeAsync(check, $"{who}: GET /api/wallets/{{A's wallet}}", expect, wallet.ToGetRequestInformation(), caller, a).ConfigureAwait(false);
            await ProbeAsync(check, $"{who}: DELETE /api/wallets/{{A's wallet}}/personal-data", expect, wallet.PersonalData.ToDeleteRequestInformation(), caller, a).ConfigureAwait(false);
        }

        private async Task<OneCentObservation> SettleAsync(Customer a, string orderId, int chargeStatus)
        {
            var started = context.TimeProvider.GetTimestamp();
            Answer order;
            while (true)
            {
                order = await SendAsync(Api.Orders[orderId].ToGetRequestInformation(), a).ConfigureAwait(false);
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
                await ProbeAsync(check, $"anonymous: POST /api/users, {what}", HostileExpectation.Unprocessable,
                    Api.Users.ToPostRequestInformation(new IdentitySignUp { Email = email, DisplayName = name, Password = "Hostile-drill-" + _run }), null, null).ConfigureAwait(false);
            }

            if (_adminKey is null)
            {
                _notRun.Add("the operator's charge with currency \"€€€\" (pass --api-key with an operator key).");
                return;
            }

            using var managementHttp = _options.ManagementUrl is null ? null : LoopbackHttp.CreateClient(_options.ManagementUrl, _options.RequestTimeout);
            using var management = managementHttp is null ? null : new ShopApi(managementHttp);
            var charge = (management ?? shop).Client.Api.Payments.Charges.ToPostRequestInformation(
                new PaymentChargeBody { Reference = "hostile-currency-" + _run, AmountCents = 100, Currency = "€€€", CardToken = "tok_visa" });
            var answer = await SendAsync(charge, null, idempotencyKey: "hostile-currency-" + _run, operatorKey: true, via: management).ConfigureAwait(false);
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
            // /metrics is the Prometheus scrape, not part of the API document: its address is the exporter's convention.
            var metrics = new RequestInformation(Method.GET, "{+baseurl}/metrics", new Dictionary<string, object>());
            foreach (var (path, request) in new[] { ("/metrics", metrics), ("/admin/dlq", shop.Client.Admin.Dlq.ToGetRequestInformation()) })
            {
                var answer = await SendAsync(request, null).ConfigureAwait(false);
                _probes.Add(new HostileProbe(check, $"anonymous: GET {path} on the public port", HostileExpectation.NotServed, answer.Status, Informational: informational, Detail: Detail(answer, HostileExpectation.NotServed)));
            }

            if (_adminKey is not null)
            {
                var answer = await SendAsync(shop.Client.Admin.Dlq.ToGetRequestInformation(), null, operatorKey: true).ConfigureAwait(false);
                // Even the right key must not open it here: the operator surface lives on the management port.
                _probes.Add(new HostileProbe(check, "operator: GET /admin/dlq on the public port", HostileExpectation.NotServed, answer.Status, Informational: informational, Detail: Detail(answer, HostileExpectation.NotServed)));
            }
        }

        private async Task OversizeAsync(Customer a, string? walletId)
        {
            const string check = "4 oversize";
            var endpoints = new List<(Func<RequestInformation> Request, string Label, string Json)>
            {
                (() => PlaceOrder(a.Id!, 1), "POST /api/orders", await JsonOfAsync(PlaceOrderBody(a.Id!, 1)).ConfigureAwait(false)),
                (() => OpenWallet("Hostile A", a.Email), "POST /api/wallets", await JsonOfAsync(new WalletOpenWallet { OwnerName = "Hostile A", OwnerEmail = a.Email }).ConfigureAwait(false)),
            };
            if (walletId is not null)
            {
                var deposit = new WalletAmount { AmountCents = 1 };
                endpoints.Add((() => Api.Wallets[walletId].Deposits.ToPostRequestInformation(deposit), "POST /api/wallets/{A's wallet}/deposits", await JsonOfAsync(deposit).ConfigureAwait(false)));
            }

            for (var round = 0; round < _options.OversizeRounds; round++)
            {
                foreach (var size in _options.OversizeBytes)
                {
                    foreach (var (request, label, json) in endpoints)
                    {
                        var body = Pad(json, size);
                        var answer = await SendAsync(request(), a, body, $"hostile-big-{round}-{size}-{Guid.NewGuid():N}", expectContinue: true).ConfigureAwait(false);
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
            using var freshHttp = LoopbackHttp.CreateClient(context.Target, _options.RequestTimeout);
            using var fresh = new ShopApi(freshHttp);
            var live = await TimedAsync(fresh, fresh.Client.Health.Live.ToGetRequestInformation(), null, "GET /health/live").ConfigureAwait(false);
            var read = await TimedAsync(fresh, fresh.Client.Api.Orders[orderId].ToGetRequestInformation(), a, "A: GET /api/orders/{A's order}").ConfigureAwait(false);
            return new IdleObservation(_options.IdleConnections, idle.Opened, idle.CountClosedByServer(), idle.SourceAddress, [live, read], _options.IdleProbeBound);
        }

        private async Task<TimedAnswer> TimedAsync(ShopApi via, RequestInformation request, Customer? caller, string label)
        {
            var started = context.TimeProvider.GetTimestamp();
            var answer = await SendAsync(request, caller, via: via).ConfigureAwait(false);
            return new TimedAnswer(label, answer.Status, context.TimeProvider.GetElapsedTime(started));
        }

        private async Task ProbeAsync(string check, string label, HostileExpectation expect, RequestInformation request, Customer? caller, Customer? victim, string? key = null)
        {
            var answer = await SendAsync(request, caller, idempotencyKey: key).ConfigureAwait(false);
            var mentions = victim is not null && answer.Status is >= 200 and < 300
                && (answer.Body.Contains(victim.Id!, StringComparison.OrdinalIgnoreCase) || answer.Body.Contains(victim.Email, StringComparison.OrdinalIgnoreCase)
                    || (victim.Id is not null && answer.Body.Contains(Guid.Parse(victim.Id).ToString("N"), StringComparison.OrdinalIgnoreCase)));
            _probes.Add(new HostileProbe(check, label, expect, answer.Status, mentions, Detail: Detail(answer, expect)));
        }

        // rawJson replaces the typed body: only the oversize probes send one, the shape of the endpoint's own body plus padding.
        private async Task<Answer> SendAsync(
            RequestInformation typed, Customer? caller, string? rawJson = null, string? idempotencyKey = null, bool operatorKey = false, bool expectContinue = false, ShopApi? via = null)
        {
            try
            {
                using var response = await (via ?? shop).SendAsync(typed, request => Adjust(request, caller, rawJson, idempotencyKey, operatorKey, expectContinue), cancellationToken).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                return new Answer((int)response.StatusCode, body);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return new Answer(0, $"no answer: {e.GetType().Name}: {e.Message}");
            }
        }

        private void Adjust(HttpRequestMessage request, Customer? caller, string? rawJson, string? idempotencyKey, bool operatorKey, bool expectContinue)
        {
            if (rawJson is not null)
            {
                request.Content = new StringContent(rawJson, Encoding.UTF8, JsonMediaType);
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
        }

        private static string? Detail(Answer answer, HostileExpectation expect) =>
            HostileJudge.Allowed(expect).Contains(answer.Status) ? null : answer.Excerpt;

        private RequestInformation PlaceOrder(string customerId, int quantity) => Api.Orders.ToPostRequestInformation(PlaceOrderBody(customerId, quantity));

        // customerId is not in the document: it is for shops without identity, and the contract says the token decides
        // and the body's is ignored. It rides in the model's additional data, which the client serialises as it is.
        private OrdersPlaceOrder PlaceOrderBody(string customerId, int quantity) => new()
        {
            Items = [new OrdersPlaceOrderItem { ProductId = _options.ProductId, Quantity = quantity }],
            CardToken = "tok_visa",
            ShippingPostcode = "10115",
            AdditionalData = new Dictionary<string, object> { ["customerId"] = customerId },
        };

        private RequestInformation OpenWallet(string ownerName, string ownerEmail) =>
            Api.Wallets.ToPostRequestInformation(new WalletOpenWallet { OwnerName = ownerName, OwnerEmail = ownerEmail });

        private Task<string> JsonOfAsync<T>(T body)
            where T : IParsable => KiotaJsonSerializer.SerializeAsStringAsync(body, serializeOnlyChangedValues: false, cancellationToken);

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
