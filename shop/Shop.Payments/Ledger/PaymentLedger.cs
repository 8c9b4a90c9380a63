using Bulwark.EventSourcing;

namespace Shop.Payments.Ledger;

/// <summary>
/// Appends payment outcomes to the event log at fixed versions, so a retried charge (the same payment id, which the
/// provider answers once) records nothing new: the version check turns the repeat into a conflict we ignore.
/// </summary>
internal sealed class PaymentLedger(IEventStore events, EventSerializer serializer)
{
    public Task ChargedAsync(PaymentCharged charged, CancellationToken cancellationToken) => AppendAsync($"payment-{charged.PaymentId}", charged, cancellationToken);

    public Task DeclinedAsync(PaymentDeclined declined, CancellationToken cancellationToken) => AppendAsync($"payment-{declined.PaymentId}", declined, cancellationToken);

    public Task RefundedAsync(ChargeRefunded refunded, CancellationToken cancellationToken) => AppendAsync($"refund-{refunded.ChargeId}", refunded, cancellationToken);

    private async Task AppendAsync(string streamId, object @event, CancellationToken cancellationToken)
    {
        var data = await serializer.SerializeAsync(@event, cancellationToken);
        try
        {
            await events.AppendAsync(streamId, ExpectedVersion.NoStream, [data], cancellationToken);
        }
        catch (ConcurrencyConflictException)
        {
            // Recorded by an earlier attempt of the same charge or refund.
        }
    }
}
