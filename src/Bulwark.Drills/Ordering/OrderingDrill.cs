using System.Globalization;
using System.Text.Json;
using Bulwark.Drills.Bus;
using Bulwark.Drills.Customers;
using Bulwark.Drills.Model;
using Bulwark.Messaging;

namespace Bulwark.Drills.Ordering;

/// <summary>
/// Ordering: the bus keeps no order between topics, retries and redeliveries, so a consumer can see an order's
/// outcome before the order itself. Publishes, through the target's own bus, the lifecycle events of several orders of
/// a fresh customer in two waves: first the events that overtake (an outcome before its "placed"), and only once the
/// consumer's view shows them, the late older ones, with redeliveries mixed in and each wave shuffled across orders.
/// Then every order must show the state of its newest event, and none may be seen pending again after its outcome.
/// </summary>
/// <param name="options">The orders and time limits; the documented defaults when null.</param>
public sealed class OrderingDrill(OrderingOptions? options = null)
    : BusDrill<OrderingOptions>(new("ordering", "Ordering", "Does the business logic break if \"Order Cancelled\" arrives 1 second before \"Order Created\"? (It usually does). How are we handling race conditions?", ["21 Pub/Sub", "15 Idempotency"]), options)
{
    private const string Pending = "Pending";
    private const string Earned = "Earned";
    private const string Void = "Void";

    /// <inheritdoc />
    protected override TimeSpan RequestTimeout => Options.RequestTimeout;

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var customer = Customer;
        var bus = context.RequireBus();
        var time = context.TimeProvider;
        var points = Options.TotalCents / 100;
        var plans = Enumerable.Range(0, Options.Orders).Select(i => Plan((OrderingScenario)(i % 4), Guid.NewGuid(), customer.Id, points)).ToList();
        var random = new Random(Options.Seed);
        using var http = Client(context);
        var outcomeSeen = new HashSet<Guid>();
        var resurrected = new HashSet<Guid>();
        var messages = 0;

        context.Recorder.FaultOn(string.Create(CultureInfo.InvariantCulture, $"the events of {Options.Orders} orders delivered out of order"));
        var firstWave = plans.SelectMany(p => p.First).ToArray();
        random.Shuffle(firstWave);
        messages += await PublishAsync(bus, firstWave, cancellationToken).ConfigureAwait(false);
        var started = time.GetTimestamp();
        var (firstSettled, view) = await SettleAsync(http, context, customer, plans, p => p.AfterFirst, outcomeSeen, resurrected, cancellationToken).ConfigureAwait(false);
        var firstSeconds = time.GetElapsedTime(started).TotalSeconds;

        // Only now do the late events go out: the overtaking ones were applied, so "late" is what the consumer saw.
        var secondWave = plans.SelectMany(p => p.Second).ToArray();
        random.Shuffle(secondWave);
        messages += await PublishAsync(bus, secondWave, cancellationToken).ConfigureAwait(false);
        started = time.GetTimestamp();
        (_, view) = await SettleAsync(http, context, customer, plans, p => p.Final, outcomeSeen, resurrected, cancellationToken).ConfigureAwait(false);
        var secondSeconds = time.GetElapsedTime(started).TotalSeconds;

        // The late older events change nothing visible when handled right, so watch a while for one handled wrong.
        var watchStarted = time.GetTimestamp();
        while (time.GetElapsedTime(watchStarted) < Options.WatchAfter)
        {
            await Task.Delay(Options.PollInterval, time, cancellationToken).ConfigureAwait(false);
            view = await ReadViewAsync(http, context, customer, cancellationToken).ConfigureAwait(false);
            Track(view, outcomeSeen, resurrected);
        }

        context.Recorder.FaultOff("delivered out of order");
        var orders = plans.Select(p => new OrderingOrder(
            p.OrderId, p.Scenario, p.Final.Status, p.Final.Points,
            view.TryGetValue(p.OrderId, out var seen) ? seen.Status : null,
            view.TryGetValue(p.OrderId, out seen) ? seen.Points : null,
            resurrected.Contains(p.OrderId))).ToList();
        return OrderingJudge.Judge(new OrderingMeasurement(orders, messages, firstSettled, firstSeconds, secondSeconds));
    }

    // Which events go out in which wave, and what the view must show after each: the reorderings a bus really makes
    // (an outcome overtaking its "placed" on another topic, a redelivery of either beside the newer event).
    private OrderPlan Plan(OrderingScenario scenario, Guid orderId, Guid customerId, long points)
    {
        var placed = Event(Options.PlacedTopic, orderId, new { orderId, customerId, lines = new[] { new { productId = 1, quantity = 1, unitPriceCents = Options.TotalCents } }, totalCents = Options.TotalCents, currency = "EUR", placedAt = DateTimeOffset.UnixEpoch, sequence = 1 });
        var confirmed = Event(Options.ConfirmedTopic, orderId, new { orderId, customerId, totalCents = Options.TotalCents, currency = "EUR", confirmedAt = DateTimeOffset.UnixEpoch, sequence = 2 });
        var rejected = Event(Options.RejectedTopic, orderId, new { orderId, customerId, reason = "ordering drill", rejectedAt = DateTimeOffset.UnixEpoch, sequence = 2 });
        var pending = new ViewState(Pending, points);
        var earned = new ViewState(Earned, points);
        var voided = new ViewState(Void, 0);
        return scenario switch
        {
            OrderingScenario.ConfirmedBeforePlaced => new(orderId, scenario, [confirmed], earned, [placed, confirmed], earned),
            OrderingScenario.RejectedBeforePlaced => new(orderId, scenario, [rejected], voided, [placed, rejected], voided),
            OrderingScenario.PlacedThenConfirmed => new(orderId, scenario, [placed], pending, [confirmed, placed], earned),
            _ => new(orderId, scenario, [placed, placed], pending, [rejected], voided),
        };
    }

    private static (string Topic, MessageEnvelope Envelope) Event(string topic, Guid orderId, object body) =>
        (topic, new MessageEnvelope
        {
            // One id per event: listed twice in a plan, the same id goes out twice, as a broker redelivery would.
            MessageId = Guid.NewGuid().ToString(),
            MessageType = topic,
            CorrelationId = orderId.ToString(),
            Timestamp = DateTimeOffset.UnixEpoch,
            Body = JsonSerializer.SerializeToUtf8Bytes(body),
        });

    private static async Task<int> PublishAsync(Bus.IBusInjector bus, (string Topic, MessageEnvelope Envelope)[] wave, CancellationToken cancellationToken)
    {
        // One after another, so the queue holds them in the shuffled order.
        foreach (var (topic, envelope) in wave)
        {
            await bus.PublishAsync(topic, envelope, cancellationToken).ConfigureAwait(false);
        }

        return wave.Length;
    }

    private async Task<(bool Settled, Dictionary<Guid, ViewState> View)> SettleAsync(
        HttpClient http, DrillContext context, DrillCustomer customer, List<OrderPlan> plans, Func<OrderPlan, ViewState> expected,
        HashSet<Guid> outcomeSeen, HashSet<Guid> resurrected, CancellationToken cancellationToken)
    {
        var time = context.TimeProvider;
        var started = time.GetTimestamp();
        while (true)
        {
            var view = await ReadViewAsync(http, context, customer, cancellationToken).ConfigureAwait(false);
            Track(view, outcomeSeen, resurrected);
            if (plans.All(p => view.TryGetValue(p.OrderId, out var seen) && seen == expected(p)))
            {
                return (true, view);
            }

            if (time.GetElapsedTime(started) >= Options.SettleWithin)
            {
                return (false, view);
            }

            await Task.Delay(Options.PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    // An order once seen with its outcome and later seen pending again was resurrected by a late older event.
    private static void Track(Dictionary<Guid, ViewState> view, HashSet<Guid> outcomeSeen, HashSet<Guid> resurrected)
    {
        foreach (var (orderId, state) in view)
        {
            if (state.Status != Pending)
            {
                outcomeSeen.Add(orderId);
            }
            else if (outcomeSeen.Contains(orderId))
            {
                resurrected.Add(orderId);
            }
        }
    }

    private async Task<Dictionary<Guid, ViewState>> ReadViewAsync(HttpClient http, DrillContext context, DrillCustomer customer, CancellationToken cancellationToken)
    {
        var path = Options.ViewPath.Replace("{customerId}", customer.Id.ToString(), StringComparison.Ordinal) + "?pageSize=100";
        var answer = await GetAsCustomerAsync(http, context, path, "the consumer's view of the orders", cancellationToken).ConfigureAwait(false);
        var view = new Dictionary<Guid, ViewState>();
        if (answer.ValueKind != JsonValueKind.Array)
        {
            return view;
        }

        foreach (var item in answer.EnumerateArray())
        {
            view[item.GetProperty("orderId").GetGuid()] = new ViewState(item.GetProperty("status").GetString() ?? string.Empty, item.GetProperty("points").GetInt64());
        }

        return view;
    }

    private sealed record ViewState(string Status, long Points);

    private sealed record OrderPlan(
        Guid OrderId, OrderingScenario Scenario,
        IReadOnlyList<(string Topic, MessageEnvelope Envelope)> First, ViewState AfterFirst,
        IReadOnlyList<(string Topic, MessageEnvelope Envelope)> Second, ViewState Final);
}
