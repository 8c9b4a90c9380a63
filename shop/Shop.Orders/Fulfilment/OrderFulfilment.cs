using Bulwark.Resilience.Bulkhead;
using Bulwark.Sagas;
using Shop.Inventory.Contracts;
using Shop.Orders.Contracts;
using Shop.Orders.Data;
using Shop.Orders.History;
using Shop.Payments.Contracts;

namespace Shop.Orders.Fulfilment;

/// <summary>The saga's persisted data. Everything a step needs after a restart lives here.</summary>
internal sealed class OrderSagaData
{
    public Guid OrderId { get; set; }

    public Guid CustomerId { get; set; }

    public List<OrderLine> Lines { get; set; } = [];

    public long TotalCents { get; set; }

    public string Currency { get; set; } = "EUR";

    public string CardToken { get; set; } = string.Empty;

    public string ShippingPostcode { get; set; } = string.Empty;

    public DateTimeOffset PlacedAt { get; set; }

    public string? ChargeId { get; set; }

    /// <summary>What the shop knows about the money. <see cref="OrderPayment.Uncertain"/> is saved before a charge request leaves.</summary>
    public OrderPayment Payment { get; set; }

    /// <summary>When the last charge request left: a "no such charge" lookup is trusted only a settle delay after it.</summary>
    public DateTimeOffset? LastChargeAttemptAt { get; set; }

    public string? RejectionReason { get; set; }

    /// <summary>Derived from the order id, so every retry and every restart reserves under the same id.</summary>
    public string ReservationId => $"order-{OrderId:N}";

    /// <summary>Derived from the order id: the provider's idempotency key, so a repeated charge is the same charge.</summary>
    public string PaymentId => $"order-{OrderId:N}";
}

/// <summary>The money side of an order, as far as the shop knows it.</summary>
internal enum OrderPayment
{
    /// <summary>No charge request was sent.</summary>
    None,

    /// <summary>A charge request was sent and no answer arrived: the provider may or may not hold the money.</summary>
    Uncertain,

    /// <summary>The provider answered with a charge.</summary>
    Charged,

    /// <summary>The provider declined the card: nothing was taken.</summary>
    Declined,

    /// <summary>The order was rejected and the provider shows the charge refunded.</summary>
    Refunded,

    /// <summary>The order was rejected and the provider confirmed it never took the money.</summary>
    NothingCharged,

    /// <summary>The order was rejected; the payments reconciler is still settling the money (see <c>/api/payments/reconciliations</c>).</summary>
    Reconciling,
}

/// <summary>
/// Reserve stock → prepare payment → charge → book shipping → confirm, compensating in reverse. The first step's
/// compensation is the one that runs last on the way back, so it records the rejection. Its collaborators are
/// constructor-injected singletons; the saga definition is built once from them (<see cref="Define"/>).
/// </summary>
internal sealed class OrderFulfilment(
    OrderLog log,
    OrderRepository orders,
    IInventoryApi inventory,
    IPaymentsApi payments,
    ShippingDesk shipping,
    BulkheadRegistry bulkheads,
    TimeProvider time)
{
    public const string SagaName = "order-fulfilment";

    /// <summary>
    /// The bulkhead compartment (<c>Bulwark:Resilience:Bulkheads:order-charges</c>) the charge step waits in: fewer slots
    /// than the <c>payments</c> compartment, so that sagas never fill it, and a queue, so that a burst waits its turn.
    /// </summary>
    public const string ChargeCompartment = "order-charges";

    public SagaDefinition<OrderSagaData> Define()
    {
        var quick = new SagaStepOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromSeconds(2), Timeout = TimeSpan.FromSeconds(15) };
        return new SagaDefinition<OrderSagaData>(SagaName)
            .Step(
                "record-order",
                async (d, c) =>
                {
                    // Normally already appended by the request; repeated here in case the process died right after the commit.
                    await log.PlacedAsync(ToPlaced(d), c.CancellationToken);
                },
                async (d, c) =>
                {
                    var reason = d.RejectionReason ?? "fulfilment failed";
                    await orders.FinishAsync(d.OrderId, "Rejected", reason, c.CancellationToken);
                    await log.RejectedAsync(new OrderRejectedEntry(d.OrderId, d.CustomerId, reason, time.GetUtcNow()), c.CancellationToken);
                },
                quick)
            .Step(
                "reserve-stock",
                async (d, c) =>
                {
                    var result = await inventory.ReserveAsync(d.ReservationId, [.. d.Lines.Select(l => new ReservationLine(l.ProductId, l.Quantity))], c.CancellationToken);
                    if (result.Outcome != ReservationOutcome.Reserved)
                    {
                        d.RejectionReason = result.Outcome switch
                        {
                            ReservationOutcome.InsufficientStock => $"not enough stock of product {result.ShortProductId}",
                            ReservationOutcome.UnknownProduct => $"unknown product {result.ShortProductId}",
                            _ => "the reservation was already released",
                        };
                        throw new OrderStepFailedException(d.RejectionReason);
                    }
                },
                (d, c) => inventory.ReleaseAsync(d.ReservationId, c.CancellationToken),
                quick)
            .Step(
                // No effect of its own. It is saved as done before any charge request leaves, so its compensation runs
                // whenever a later step fails — the charge step included, whose own compensation the orchestrator never
                // runs. That is where a charge whose answer was lost gets reconciled instead of forgotten.
                "prepare-payment",
                (d, c) => Task.CompletedTask,
                async (d, c) =>
                {
                    if (d.Payment is not (OrderPayment.Uncertain or OrderPayment.Charged or OrderPayment.Reconciling))
                    {
                        return;
                    }

                    // Refund the known charge, or ask the provider by idempotency key and refund what it holds; if it
                    // cannot answer, the payments module records the payment and its reconciler settles it later.
                    var reversal = await payments.ReverseAsync(
                        new ReversePaymentCommand(d.PaymentId, d.OrderId.ToString(), d.ChargeId, d.LastChargeAttemptAt), c.CancellationToken);
                    d.ChargeId ??= reversal.ChargeId;
                    d.Payment = reversal.Outcome switch
                    {
                        ReversalOutcome.Refunded => OrderPayment.Refunded,
                        ReversalOutcome.NothingCharged => OrderPayment.NothingCharged,
                        _ => OrderPayment.Reconciling,
                    };
                },
                quick)
            .Step(
                "charge-payment",
                async (d, c) =>
                {
                    if (d.CardToken.Length == 0)
                    {
                        d.RejectionReason = "the card token was lost before the payment";
                        throw new OrderStepFailedException(d.RejectionReason);
                    }

                    // A burst of checkouts queues here for its turn instead of being refused by the payments bulkhead
                    // (no queue there: the public charge endpoint must fail fast). The wait is bounded by the step's
                    // timeout and by the queue limit; a full queue is a retry of the step, never a rejected order.
                    using var slot = await bulkheads.Get(ChargeCompartment).AcquireAsync(c.CancellationToken);
                    if (!slot.IsAcquired)
                    {
                        throw new PaymentSlotUnavailableException(ChargeCompartment);
                    }

                    // Every attempt (the step retries with the same key: the provider answers a repeat with the charge
                    // it already made) is first marked uncertain; only an answer clears it.
                    d.Payment = OrderPayment.Uncertain;
                    d.LastChargeAttemptAt = time.GetUtcNow();
                    var result = await payments.ChargeAsync(new ChargeCommand(d.PaymentId, d.OrderId.ToString(), d.TotalCents, d.Currency, d.CardToken), c.CancellationToken);
                    switch (result.Outcome)
                    {
                        case PaymentOutcome.Charged:
                            d.ChargeId = result.ChargeId;
                            d.Payment = OrderPayment.Charged;
                            break;
                        case PaymentOutcome.Declined:
                            d.Payment = OrderPayment.Declined;
                            d.RejectionReason = "payment declined: " + (result.Reason ?? "card declined");
                            throw new OrderStepFailedException(d.RejectionReason);
                        default:
                            d.RejectionReason = "payment unavailable: " + result.Reason;
                            // An open breaker or a full compartment says when to come back: the order waits it out
                            // (within the step's attempts) instead of being rejected during a short outage.
                            throw result.RetryAfter is { } wait
                                ? new SagaStepRetryLaterException(wait, d.RejectionReason)
                                : new OrderStepFailedException(d.RejectionReason);
                    }
                },
                options: new SagaStepOptions { MaxAttempts = 6, BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(12), Timeout = TimeSpan.FromSeconds(15) })
            .Step(
                "arrange-shipping",
                async (d, c) =>
                {
                    try
                    {
                        await shipping.BookAsync(d.OrderId, d.ShippingPostcode, c.CancellationToken);
                    }
                    catch (OrderStepFailedException e)
                    {
                        d.RejectionReason = e.Reason;
                        throw;
                    }
                },
                (d, c) => shipping.CancelAsync(d.OrderId, c.CancellationToken),
                quick)
            .Step(
                "confirm-order",
                async (d, c) =>
                {
                    await inventory.CommitAsync(d.ReservationId, c.CancellationToken);
                    await orders.FinishAsync(d.OrderId, "Confirmed", null, c.CancellationToken);
                    await log.ConfirmedAsync(new OrderConfirmedEntry(d.OrderId, d.CustomerId, time.GetUtcNow()), c.CancellationToken);
                },
                options: quick);
    }

    public static OrderPlaced ToPlaced(OrderSagaData d) => new(d.OrderId, d.CustomerId, d.Lines, d.TotalCents, d.Currency, d.PlacedAt);
}

/// <summary>Too many charges are already waiting for a payments slot; the step is retried with backoff.</summary>
internal sealed class PaymentSlotUnavailableException(string compartment)
    : Exception($"Every slot and queue place of bulkhead '{compartment}' is taken; the charge is tried again later.");
