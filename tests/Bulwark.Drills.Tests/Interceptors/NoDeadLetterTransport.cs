using Bulwark.Messaging;
using Bulwark.Messaging.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Drills.Tests.Interceptors;

/// <summary>
/// The shop with its DLQ switched off, for the Poison Pill drill's failing half: every dead-lettering becomes a
/// redelivery, so a message that can never be handled goes round forever — the consumer the Codex warns about.
/// Registered by tests only (<see cref="Register"/>), around whatever transport the shop chose.
/// </summary>
internal sealed class NoDeadLetterTransport(IMessageTransport inner) : WrappingTransport(inner)
{
    /// <summary>Wraps the shop's registered transport; call after the shop registered its messaging.</summary>
    public static void Register(IServiceCollection services) => Register(services, inner => new NoDeadLetterTransport(inner));

    public override Task<IAsyncDisposable> ConsumeAsync(ConsumerEndpoint endpoint, Func<TransportDelivery, CancellationToken, Task> onDelivery, CancellationToken cancellationToken) =>
        Inner.ConsumeAsync(endpoint, (delivery, ct) => onDelivery(new Requeueing(delivery), ct), cancellationToken);

    private sealed class Requeueing(TransportDelivery inner) : TransportDelivery
    {
        public override MessageEnvelope Envelope => inner.Envelope;

        public override string Queue => inner.Queue;

        public override Task AckAsync(CancellationToken cancellationToken) => inner.AckAsync(cancellationToken);

        public override Task RetryAsync(TimeSpan delay, CancellationToken cancellationToken) => inner.RetryAsync(delay, cancellationToken);

        public override Task DeadLetterAsync(DeadLetterReason reason, CancellationToken cancellationToken) =>
            inner.RetryAsync(TimeSpan.FromMilliseconds(100), cancellationToken);
    }
}
