using Shop.Payments.Contracts;
using Shop.Payments.Reconciliation;

namespace Shop.Payments.Provider;

/// <summary><see cref="IPaymentsApi"/>: charges and refunds go straight to the provider, reversals through reconciliation.</summary>
internal sealed class ProviderPayments(IPaymentGateway provider, ChargeReconciliation reconciliation, ReconciliationStore store) : IPaymentsApi
{
    public Task<PaymentResult> ChargeAsync(ChargeCommand command, CancellationToken cancellationToken) => provider.ChargeAsync(command, cancellationToken);

    public Task<PaymentResult> RefundAsync(string chargeId, CancellationToken cancellationToken) => provider.RefundAsync(chargeId, cancellationToken);

    public Task<ReversalResult> ReverseAsync(ReversePaymentCommand command, CancellationToken cancellationToken) => reconciliation.ReverseAsync(command, cancellationToken);

    public async Task<ReversalResult?> FindReversalAsync(string paymentId, CancellationToken cancellationToken)
    {
        var record = await store.FindAsync(paymentId, cancellationToken);
        return record is null ? null : new ReversalResult(
            record.Status switch
            {
                ReconciliationStatus.Refunded => ReversalOutcome.Refunded,
                ReconciliationStatus.NothingCharged => ReversalOutcome.NothingCharged,
                _ => ReversalOutcome.Deferred,
            },
            record.ChargeId,
            record.LastError);
    }
}
