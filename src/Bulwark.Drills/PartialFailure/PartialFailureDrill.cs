using System.ComponentModel.DataAnnotations;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Drills.Customers;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.PartialFailure;

/// <summary>
/// Partial Failure: places orders whose fulfilment saga fails at each step the shop lets a customer reach — stock
/// (more units than exist), charge (a declined card), shipping (an undeliverable postcode, after the money was
/// taken) — beside good control orders; passes when every order ends confirmed or rejected as it should, no unit
/// stays reserved, and no rejected order keeps the customer's money.
/// </summary>
public sealed class PartialFailureDrill : Drill<PartialFailureOptions>
{
    private const string Card = "tok_visa";
    private DrillCustomer? _customer;

    /// <summary>Creates the drill.</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public PartialFailureDrill(PartialFailureOptions? options = null)
        : base(new("partial-failure", "Partial Failure", "If the Order Service succeeds but the Email Service fails, is the system in a broken state? (Saga.)", ["14 Saga", "15 Idempotency"]), options)
    {
    }

    /// <summary>The failure positions, each as (saga step, quantity, card, postcode, expected final state); quantity 0 is one more than is available.</summary>
    internal static IReadOnlyList<(string Position, int Quantity, string Card, string Postcode, string Expected)> Positions { get; } =
    [
        ("none (control)", 1, Card, "10115", "Confirmed"),
        ("reserve-stock", 0, Card, "10115", "Rejected"),
        ("charge-payment", 1, "tok_declined", "10115", "Rejected"),
        ("arrange-shipping", 1, Card, "00000", "Rejected"),
    ];

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        await context.RequireTargetAnswersAsync("/api/products", cancellationToken).ConfigureAwait(false);
        using var http = LoopbackHttp.CreateClient(context.Target, Options.RequestTimeout);
        _customer = await DrillCustomer.SignUpAsync(http, context, cancellationToken).ConfigureAwait(false);
        _ = await StockAsync(http, context, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var time = context.TimeProvider;
        using var http = LoopbackHttp.CreateClient(context.Target, Options.RequestTimeout);
        var before = await StockAsync(http, context, cancellationToken).ConfigureAwait(false);
        var overStock = before.Available + 1;
        if (overStock > Options.MaxQuantity)
        {
            throw new DrillPreconditionException(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"Product {Options.ProductId} has {before.Available} available, more than one order may ask for ({Options.MaxQuantity}); pick a scarcer product (--set partial-failure.ProductId=7)."));
        }
        const string Fault = "failing saga steps";
        context.Recorder.FaultOn(Fault);
        var placed = new List<(Guid Id, string Position, string Expected, int Quantity)>();
        try
        {
            for (var round = 0; round < Options.OrdersPerPosition; round++)
            {
                foreach (var (position, fixedQuantity, card, postcode, expected) in Positions)
                {
                    var quantity = fixedQuantity == 0 ? overStock : fixedQuantity;
                    using var request = Request(HttpMethod.Post, "/api/orders", context);
                    request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
                    request.Content = JsonContent.Create(new { items = new[] { new { productId = Options.ProductId, quantity } }, cardToken = card, shippingPostcode = postcode });
                    var begin = time.GetTimestamp();
                    using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                    context.Recorder.Record(time.GetElapsedTime(begin), answered: true, error: (int)response.StatusCode >= 500);
                    if (!response.IsSuccessStatusCode)
                    {
                        throw new DrillPreconditionException($"POST /api/orders ({position}) answered {(int)response.StatusCode}; the drill needs the shop to accept orders and fail them in fulfilment.");
                    }

                    var id = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false)).GetProperty("id").GetGuid();
                    placed.Add((id, position, expected, quantity));
                }
            }

            var started = time.GetTimestamp();
            var last = new Dictionary<Guid, (string Status, string? Payment)>();
            while (true)
            {
                foreach (var order in placed.Where(o => !last.TryGetValue(o.Id, out var s) || s.Status is not ("Confirmed" or "Rejected")))
                {
                    last[order.Id] = await OrderAsync(http, context, order.Id, cancellationToken).ConfigureAwait(false);
                }

                // A rejected order's refund may still be on its way (Reconciling): wait for it as for any other state.
                var settled = last.Values.All(s => s.Status is "Confirmed" || (s.Status is "Rejected" && s.Payment is not ("Reconciling" or "Uncertain" or "Charged")));
                if (settled || time.GetElapsedTime(started) >= Options.SettleWithin)
                {
                    break;
                }

                await Task.Delay(Options.PollInterval, time, cancellationToken).ConfigureAwait(false);
                foreach (var order in placed.Where(o => last[o.Id].Status == "Rejected" && last[o.Id].Payment is "Reconciling" or "Uncertain" or "Charged"))
                {
                    last[order.Id] = await OrderAsync(http, context, order.Id, cancellationToken).ConfigureAwait(false);
                }
            }

            var ledger = await LiveChargesAsync(placed.Select(o => o.Id).ToList(), cancellationToken).ConfigureAwait(false);
            var after = await StockAsync(http, context, cancellationToken).ConfigureAwait(false);
            var orders = placed.Select(o => new PartialFailureOrder(
                o.Position,
                o.Expected,
                last[o.Id].Status,
                last[o.Id].Payment,
                ledger is null ? null : ledger.GetValueOrDefault(o.Id))).ToList();
            var sold = placed.Where(o => last[o.Id].Status == "Confirmed").Sum(o => o.Quantity);
            return PartialFailureJudge.Judge(new PartialFailureMeasurements(orders, before.Reserved, after.Reserved, before.Available, after.Available, sold));
        }
        finally
        {
            context.Recorder.FaultOff(Fault);
        }
    }

    private async Task<(int Reserved, int Available)> StockAsync(HttpClient http, DrillContext context, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, "/api/inventory/" + Options.ProductId.ToString(System.Globalization.CultureInfo.InvariantCulture), context);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new DrillSkippedException($"GET /api/inventory/{Options.ProductId} answered 404: the drill reads reservations there (the shop's inventory module).");
        }

        response.EnsureSuccessStatusCode();
        var stock = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
        var onHand = stock.GetProperty("onHand").GetInt32();
        var reserved = stock.GetProperty("reserved").GetInt32();
        return (reserved, onHand - reserved);
    }

    private async Task<(string Status, string? Payment)> OrderAsync(HttpClient http, DrillContext context, Guid id, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, "/api/orders/" + id.ToString(), context);
        var begin = context.TimeProvider.GetTimestamp();
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        context.Recorder.Record(context.TimeProvider.GetElapsedTime(begin), answered: true, error: (int)response.StatusCode >= 500);
        response.EnsureSuccessStatusCode();
        var order = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
        return (order.GetProperty("status").GetString() ?? "", order.TryGetProperty("payment", out var p) ? p.GetString() : null);
    }

    /// <summary>Per order, the provider's charges under the shop's key for it that are not refunded; null without a ledger.</summary>
    private async Task<Dictionary<Guid, int>?> LiveChargesAsync(IReadOnlyList<Guid> orders, CancellationToken cancellationToken)
    {
        if (Options.ProviderUrl is null)
        {
            return null;
        }

        using var ledger = LoopbackHttp.CreateClient(LoopbackTarget.Ensure(Options.ProviderUrl), Options.RequestTimeout);
        var charges = await ledger.GetFromJsonAsync<JsonArray>(new Uri("/charges", UriKind.Relative), cancellationToken).ConfigureAwait(false) ?? [];
        return orders.ToDictionary(
            id => id,
            id => charges.Count(c => c?["idempotencyKey"]?.GetValue<string>() is { } key
                && key.Contains(id.ToString("N"), StringComparison.OrdinalIgnoreCase)
                && c["status"]?.GetValue<string>() != "refunded"));
    }

    private HttpRequestMessage Request(HttpMethod method, string path, DrillContext context)
    {
        var request = new HttpRequestMessage(method, path);
        context.AddDefaultHeaders(request);
        _customer?.Authorize(request);
        return request;
    }
}
