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

    public string? RejectionReason { get; set; }

    /// <summary>Derived from the order id, so every retry and every restart reserves under the same id.</summary>
    public string ReservationId => $"order-{OrderId:N}";

    /// <summary>Derived from the order id: the provider's idempotency key, so a repeated charge is the same charge.</summary>
    public string PaymentId => $"order-{OrderId:N}";
}

/// <summary>
/// Reserve stock → charge → book shipping → confirm, compensating in reverse. The first step's compensation is the
/// one that runs last on the way back, so it records the rejection.
/// </summary>
internal static class OrderFulfilment
{
    public const string SagaName = "order-fulfilment";

    public static SagaDefinition<OrderSagaData> Define(IServiceProvider services, OrderFulfilmentHooks hooks)
    {
        T Get<T>()
            where T : notnull => (T)services.GetService(typeof(T))!;

        var quick = new SagaStepOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromSeconds(2), Timeout = TimeSpan.FromSeconds(15) };
        return new SagaDefinition<OrderSagaData>(SagaName)
            .Step(
                "record-order",
                async (d, c) =>
                {
                    // Normally already appended by the request; repeated here in case the process died right after the commit.
                    await Get<OrderLog>().PlacedAsync(ToPlaced(d), c.CancellationToken);
                    hooks.After(d.OrderId, "record-order");
                },
                async (d, c) =>
                {
                    var reason = d.RejectionReason ?? "fulfilment failed";
                    await Get<OrderRepository>().FinishAsync(d.OrderId, "Rejected", reason, c.CancellationToken);
                    await Get<OrderLog>().RejectedAsync(new OrderRejected(d.OrderId, d.CustomerId, reason, Get<TimeProvider>().GetUtcNow()), c.CancellationToken);
                },
                quick)
            .Step(
                "reserve-stock",
                async (d, c) =>
                {
                    var result = await Get<IInventoryApi>().ReserveAsync(d.ReservationId, [.. d.Lines.Select(l => new ReservationLine(l.ProductId, l.Quantity))], c.CancellationToken);
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

                    hooks.After(d.OrderId, "reserve-stock");
                },
                (d, c) => Get<IInventoryApi>().ReleaseAsync(d.ReservationId, c.CancellationToken),
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

                    var result = await Get<IPaymentsApi>().ChargeAsync(new ChargeCommand(d.PaymentId, d.OrderId.ToString(), d.TotalCents, d.Currency, d.CardToken), c.CancellationToken);
                    switch (result.Outcome)
                    {
                        case PaymentOutcome.Charged:
                            d.ChargeId = result.ChargeId;
                            break;
                        case PaymentOutcome.Declined:
                            d.RejectionReason = "payment declined: " + (result.Reason ?? "card declined");
                            throw new OrderStepFailedException(d.RejectionReason);
                        default:
                            d.RejectionReason = "payment unavailable: " + result.Reason;
                            throw new OrderStepFailedException(d.RejectionReason);
                    }

                    hooks.After(d.OrderId, "charge-payment");
                },
                async (d, c) =>
                {
                    if (d.ChargeId is null)
                    {
                        return;
                    }

                    var refund = await Get<IPaymentsApi>().RefundAsync(d.ChargeId, c.CancellationToken);
                    if (refund.Outcome != PaymentOutcome.Charged)
                    {
                        // Retried by the step's policy; if it keeps failing the saga parks, visibly.
                        throw new InvalidOperationException($"refund of {d.ChargeId} failed: {refund.Reason}");
                    }
                },
                new SagaStepOptions { MaxAttempts = 4, BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(5), Timeout = TimeSpan.FromSeconds(15) })
            .Step(
                "arrange-shipping",
                async (d, c) =>
                {
                    try
                    {
                        await Get<ShippingDesk>().BookAsync(d.OrderId, d.ShippingPostcode, c.CancellationToken);
                    }
                    catch (OrderStepFailedException e)
                    {
                        d.RejectionReason = e.Reason;
                        throw;
                    }

                    hooks.After(d.OrderId, "arrange-shipping");
                },
                (d, c) => Get<ShippingDesk>().CancelAsync(d.OrderId, c.CancellationToken),
                quick)
            .Step(
                "confirm-order",
                async (d, c) =>
                {
                    await Get<IInventoryApi>().CommitAsync(d.ReservationId, c.CancellationToken);
                    await Get<OrderRepository>().FinishAsync(d.OrderId, "Confirmed", null, c.CancellationToken);
                    await Get<OrderLog>().ConfirmedAsync(new OrderConfirmed(d.OrderId, d.CustomerId, Get<TimeProvider>().GetUtcNow()), c.CancellationToken);
                },
                options: quick);
    }

    public static OrderPlaced ToPlaced(OrderSagaData d) => new(d.OrderId, d.CustomerId, d.Lines, d.TotalCents, d.Currency, d.PlacedAt);
}
