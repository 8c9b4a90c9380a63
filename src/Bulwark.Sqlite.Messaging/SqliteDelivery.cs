using Bulwark.Messaging;
using Bulwark.Messaging.Transport;

namespace Bulwark.Sqlite.Messaging;

internal sealed class SqliteDelivery(SqliteMessageTransport transport, string queue, long sequence, string leaseId, MessageEnvelope envelope) : TransportDelivery
{
    private int _settled;

    public override MessageEnvelope Envelope { get; } = envelope;

    public override string Queue { get; } = queue;

    public long Sequence { get; } = sequence;

    public string LeaseId { get; } = leaseId;

    public bool Settled => Volatile.Read(ref _settled) == 1;

    public override async Task AckAsync(CancellationToken cancellationToken)
    {
        MarkSettled();
        await transport.SettleAsync(this, "DELETE FROM bulwark_mq_messages WHERE seq = $seq AND lease_id = $lease", null, cancellationToken).ConfigureAwait(false);
    }

    public override async Task RetryAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        MarkSettled();
        var visibleAt = transport.Now + (long)delay.TotalMilliseconds;
        await transport.SettleAsync(
            this,
            "UPDATE bulwark_mq_messages SET visible_at = $visible, lease_id = NULL WHERE seq = $seq AND lease_id = $lease",
            command => command.Parameters.AddWithValue("$visible", visibleAt),
            cancellationToken).ConfigureAwait(false);
        transport.Notify();
    }

    public override async Task DeadLetterAsync(DeadLetterReason reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reason);
        MarkSettled();
        await transport.DeadLetterAsync(this, reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives an unhandled delivery back at once (graceful stop), without counting the attempt.</summary>
    public async Task ReleaseAsync()
    {
        if (Interlocked.Exchange(ref _settled, 1) == 1)
        {
            return;
        }

        await transport.SettleAsync(
            this,
            "UPDATE bulwark_mq_messages SET visible_at = $visible, lease_id = NULL, attempt = attempt - 1 WHERE seq = $seq AND lease_id = $lease",
            command => command.Parameters.AddWithValue("$visible", transport.Now),
            CancellationToken.None).ConfigureAwait(false);
        transport.Notify();
    }

    private void MarkSettled()
    {
        if (Interlocked.Exchange(ref _settled, 1) == 1)
        {
            throw new InvalidOperationException($"Delivery of message {Envelope.MessageId} was already settled.");
        }
    }
}
