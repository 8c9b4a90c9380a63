namespace Shop.Payments.Contracts;

/// <summary>
/// A request to charge a card. <paramref name="PaymentId"/> is the idempotency key at the provider: retrying the same
/// payment can never charge twice.
/// </summary>
public sealed record ChargeCommand(string PaymentId, string Reference, long AmountCents, string Currency, string CardToken);

/// <summary>How a charge ended.</summary>
public enum PaymentOutcome
{
    /// <summary>The provider took the money.</summary>
    Charged,

    /// <summary>The provider refused the card; retrying will not help.</summary>
    Declined,

    /// <summary>The provider could not be reached in time (down, failing, circuit open, compartment full); try later.</summary>
    Unavailable,
}

/// <summary>The result of a charge.</summary>
public sealed record PaymentResult(PaymentOutcome Outcome, string? ChargeId, string? Reason, TimeSpan? RetryAfter = null);

/// <summary>
/// A payment that must not keep any money (its order was rejected): <paramref name="PaymentId"/> is the idempotency
/// key the charge was (maybe) sent under; <paramref name="ChargeId"/> is known only when a charge answer arrived.
/// <paramref name="LastChargeAttemptAt"/> is when the last charge request left: a "no such charge" answer is trusted
/// only a settle delay after it, because that request may still be in flight inside the provider.
/// </summary>
public sealed record ReversePaymentCommand(string PaymentId, string Reference, string? ChargeId, DateTimeOffset? LastChargeAttemptAt);

/// <summary>How a reversal ended.</summary>
public enum ReversalOutcome
{
    /// <summary>The provider shows the charge refunded: no money is kept.</summary>
    Refunded,

    /// <summary>The provider has no charge under the payment id (asked after the settle delay): no money was taken.</summary>
    NothingCharged,

    /// <summary>
    /// The provider could not tell yet (unreachable, or too early to trust "no charge"). The payment is recorded as
    /// unreconciled in the payments module's table and the background reconciler settles it; nothing is dropped.
    /// </summary>
    Deferred,
}

/// <summary>The result of a reversal.</summary>
public sealed record ReversalResult(ReversalOutcome Outcome, string? ChargeId, string? Reason);

/// <summary>What other modules may ask of payments.</summary>
public interface IPaymentsApi
{
    /// <summary>Charges a card, safe to retry with the same <see cref="ChargeCommand.PaymentId"/>.</summary>
    Task<PaymentResult> ChargeAsync(ChargeCommand command, CancellationToken cancellationToken);

    /// <summary>Refunds a charge (the compensation of a charge). Idempotent at the provider.</summary>
    Task<PaymentResult> RefundAsync(string chargeId, CancellationToken cancellationToken);

    /// <summary>
    /// Makes sure a payment keeps no money, whether or not its charge answer ever arrived: refunds the known charge,
    /// or looks the charge up by <see cref="ReversePaymentCommand.PaymentId"/> (the provider's idempotency key) and
    /// refunds it. When the provider cannot answer, records the payment durably for the reconciler and returns
    /// <see cref="ReversalOutcome.Deferred"/>. Idempotent.
    /// </summary>
    Task<ReversalResult> ReverseAsync(ReversePaymentCommand command, CancellationToken cancellationToken);

    /// <summary>
    /// The reconciler's word on a payment it was handed by <see cref="ReverseAsync"/>: <see cref="ReversalOutcome.Deferred"/>
    /// while unsettled, the final outcome after; <see langword="null"/> when it never had to reconcile it.
    /// </summary>
    Task<ReversalResult?> FindReversalAsync(string paymentId, CancellationToken cancellationToken);
}
