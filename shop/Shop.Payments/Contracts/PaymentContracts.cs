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

/// <summary>What other modules may ask of payments.</summary>
public interface IPaymentsApi
{
    /// <summary>Charges a card, safe to retry with the same <see cref="ChargeCommand.PaymentId"/>.</summary>
    Task<PaymentResult> ChargeAsync(ChargeCommand command, CancellationToken cancellationToken);

    /// <summary>Refunds a charge (the compensation of a charge). Idempotent at the provider.</summary>
    Task<PaymentResult> RefundAsync(string chargeId, CancellationToken cancellationToken);
}
