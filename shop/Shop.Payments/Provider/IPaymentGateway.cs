using Shop.Payments.Contracts;

namespace Shop.Payments.Provider;

/// <summary>
/// The payment provider as this module needs it, whichever vendor is behind it (Codex 08, the Vendor Lock-in test):
/// each adapter translates its vendor's routes, auth, amounts, idempotency header and errors into these outcomes, so
/// the saga and the reconciler never see a vendor's model. Chosen by <c>Shop:Payments:Provider</c>.
/// </summary>
internal interface IPaymentGateway
{
    /// <summary>Charges once per <see cref="ChargeCommand.PaymentId"/> (the vendor's idempotency key), however often it is retried.</summary>
    Task<PaymentResult> ChargeAsync(ChargeCommand command, CancellationToken cancellationToken);

    /// <summary>Refunds a charge; refunding a refunded charge answers as the first refund did.</summary>
    Task<PaymentResult> RefundAsync(string chargeId, CancellationToken cancellationToken);

    /// <summary>
    /// The charge that took money under an idempotency key, if any. A read: unlike re-sending the charge with the same
    /// key, it can never take money for an order that is being rejected.
    /// </summary>
    Task<ChargeLookup> LookupAsync(string idempotencyKey, CancellationToken cancellationToken);
}
