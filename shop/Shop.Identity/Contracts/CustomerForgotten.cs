namespace Shop.Identity.Contracts;

/// <summary>
/// Integration event: an operator forgot a customer (GDPR erasure). Identity has erased the account's personal data and
/// shredded the customer's own key; each module holding keys or personal data of its own for this customer erases them
/// on receipt. Published through the outbox in the account's erasure transaction; subscribers must be idempotent.
/// </summary>
/// <param name="CustomerId">The forgotten customer's id (kept: orders and ledgers still name it, without personal data).</param>
/// <param name="ForgottenAt">When the account was erased.</param>
public sealed record CustomerForgotten(Guid CustomerId, DateTimeOffset ForgottenAt)
{
    /// <summary>The topic the event is published on.</summary>
    public const string Topic = "identity.customer-forgotten";
}
