namespace Shop.Payments.Ledger;

// The payments ledger in the shop's event log: what the provider answered, recorded by the module that asked. The card
// token is never recorded. Stream payment-{paymentId} holds the charge outcome (version 1); refund-{chargeId} the refund.

/// <summary>The provider took the money.</summary>
internal sealed record PaymentCharged(string PaymentId, string Reference, long AmountCents, string Currency, string ChargeId, DateTimeOffset At);

/// <summary>The provider refused the card.</summary>
internal sealed record PaymentDeclined(string PaymentId, string Reference, long AmountCents, string Currency, string? Reason, DateTimeOffset At);

/// <summary>A charge was refunded (a direct refund, or a reversal of a rejected order's payment).</summary>
internal sealed record ChargeRefunded(string ChargeId, DateTimeOffset At);
