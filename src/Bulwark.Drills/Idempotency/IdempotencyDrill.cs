using System.Globalization;
using System.Text.Json;
using Bulwark.Drills.Bus;
using Bulwark.Drills.Model;
using Bulwark.Messaging;

namespace Bulwark.Drills.Idempotency;

/// <summary>
/// Idempotency (message): the broker delivers at least once, so a consumer sees some messages twice. Publishes one
/// <c>OrderConfirmed</c> for a fresh customer several times under one message id, through the target's own bus, and
/// counts what its consumers did: one reward credit and one confirmation mail, or the duplicate was handled again.
/// </summary>
/// <param name="options">The deliveries and time limits; the documented defaults when null.</param>
public sealed class IdempotencyDrill(IdempotencyOptions? options = null)
    : BusDrill<IdempotencyOptions>(new("idempotency", "Idempotency (message)", "Since brokers guarantee \"At-Least-Once\" delivery, what happens if the consumer receives the same message twice? (Must handle duplicates.)", ["15 Idempotency", "21 Pub/Sub"]), options)
{
    private const string Effects = "the consumers' effects";
    private const string Credits = "reward credits for the order";
    private const string Mails = "confirmation mails for the order";

    /// <inheritdoc />
    protected override TimeSpan RequestTimeout => Options.RequestTimeout;

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var customer = Customer;
        var bus = context.RequireBus();
        var time = context.TimeProvider;
        var orderId = Guid.NewGuid();
        var envelope = new MessageEnvelope
        {
            MessageId = Guid.NewGuid().ToString(),
            MessageType = Options.Topic,
            CorrelationId = orderId.ToString(),
            Timestamp = time.GetUtcNow(),
            Body = JsonSerializer.SerializeToUtf8Bytes(new { orderId, customerId = customer.Id, totalCents = Options.TotalCents, currency = "EUR", confirmedAt = time.GetUtcNow() }),
        };

        context.Recorder.FaultOn(string.Create(CultureInfo.InvariantCulture, $"one message delivered {Options.Deliveries} times"));
        // All copies go out before any is handled could finish: the consumers race their own duplicates.
        await Task.WhenAll(Enumerable.Range(0, Options.Deliveries).Select(_ => bus.PublishAsync(Options.Topic, envelope, cancellationToken))).ConfigureAwait(false);

        using var http = Client(context);
        var started = time.GetTimestamp();
        var effects = await EffectsAsync(http, context, orderId, cancellationToken).ConfigureAwait(false);
        while (effects.Values.Any(v => v == 0) && time.GetElapsedTime(started) < Options.SettleWithin)
        {
            await Task.Delay(Options.PollInterval, time, cancellationToken).ConfigureAwait(false);
            effects = await EffectsAsync(http, context, orderId, cancellationToken).ConfigureAwait(false);
        }

        // The first effects are in; a duplicate handled again shows up within a few polls of the queue.
        var watchStarted = time.GetTimestamp();
        while (time.GetElapsedTime(watchStarted) < Options.WatchAfter)
        {
            await Task.Delay(Options.PollInterval, time, cancellationToken).ConfigureAwait(false);
            effects = await EffectsAsync(http, context, orderId, cancellationToken).ConfigureAwait(false);
        }

        context.Recorder.FaultOff("one message delivered");
        return IdempotencyJudge.Judge(new IdempotencyMeasurement(Options.Deliveries, effects));
    }

    private async Task<Dictionary<string, int>> EffectsAsync(HttpClient http, DrillContext context, Guid orderId, CancellationToken cancellationToken)
    {
        var id = Customer.Id.ToString();
        var reason = "order " + orderId.ToString();
        var rewards = await GetAsCustomerAsync(http, context, $"/api/rewards/{id}?pageSize=100", Effects, cancellationToken).ConfigureAwait(false);
        var mails = await GetAsCustomerAsync(http, context, $"/api/notifications?userId={id}&pageSize=100", Effects, cancellationToken).ConfigureAwait(false);
        return new Dictionary<string, int>(StringComparer.Ordinal)
        {
            [Credits] = Items(rewards, "credits").Count(c => c.GetProperty("reason").GetString() == reason),
            [Mails] = Items(mails, "items").Count(n => n.GetProperty("kind").GetString() == "order-confirmation"
                && n.GetProperty("subject").GetString()?.Contains(orderId.ToString(), StringComparison.Ordinal) == true),
        };
    }

    // A list answer is either a bare array or an object holding it under the given name.
    private static JsonElement[] Items(JsonElement answer, string name) =>
        answer.ValueKind == JsonValueKind.Array ? [.. answer.EnumerateArray()]
        : answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array ? [.. list.EnumerateArray()]
        : [];
}
