using Shop.Payments.Contracts;
using Shop.Payments.Ledger;
using Shop.Payments.Reconciliation;

namespace Shop.Payments.Provider;

/// <summary>
/// <see cref="IPaymentsApi"/>: charges and refunds go straight to the provider, reversals through reconciliation. Every
/// definite answer (charged, declined, refunded) is recorded in the payments ledger, the source of the payments data product.
/// </summary>
internal sealed class ProviderPayments(IPaymentGateway provider, ChargeReconciliation reconciliation, ReconciliationStore store, PaymentLedger ledger, ChargeMetrics metrics, TimeProvider time) : IPaymentsApi
{
    public async Task<PaymentResult> ChargeAsync(ChargeCommand command, CancellationToken cancellationToken)
    {
        var result = await provider.ChargeAsync(command, cancellationToken);
        metrics.Outcome(result.Outcome);
        switch (result.Outcome)
        {
            case PaymentOutcome.Charged when result.ChargeId is { } chargeId:
                await ledger.ChargedAsync(new PaymentCharged(command.PaymentId, command.Reference, command.AmountCents, command.Currency, chargeId, time.GetUtcNow()), cancellationToken);
                break;
            case PaymentOutcome.Declined:
                await ledger.DeclinedAsync(new PaymentDeclined(command.PaymentId, command.Reference, command.AmountCents, command.Currency, result.Reason, time.GetUtcNow()), cancellationToken);
                break;
        }

        return result;
    }

    public async Task<PaymentResult> RefundAsync(string chargeId, CancellationToken cancellationToken)
    {
        var result = await provider.RefundAsync(chargeId, cancellationToken);
        if (result.Outcome == PaymentOutcome.Charged)
        {
            await ledger.RefundedAsync(new ChargeRefunded(chargeId, time.GetUtcNow()), cancellationToken);
        }

        return result;
    }

    // The reconciliation records the refunds it settles in the ledger itself, now or when the reconciler settles later.
    public Task<ReversalResult> ReverseAsync(ReversePaymentCommand command, CancellationToken cancellationToken) =>
        reconciliation.ReverseAsync(command, cancellationToken);

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
