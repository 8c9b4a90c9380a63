using Bulwark.Data.Schema;
using Bulwark.Messaging;
using Bulwark.Messaging.DeadLetters;
using Bulwark.Messaging.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Drills.Tests.Interceptors;

/// <summary>
/// The shop with its DLQ switched off, for the Poison Pill drill's failing half: every dead-lettering becomes a
/// redelivery, so a message that can never be handled goes round forever — the consumer the Codex warns about.
/// Registered by tests only (<see cref="Register"/>), around whatever transport the shop chose.
/// </summary>
internal sealed class NoDeadLetterTransport(IMessageTransport inner) : IMessageTransport, ISchemaOwner
{
    public string Name => inner.Name;

    public IDeadLetterStore DeadLetters => inner.DeadLetters;

    /// <summary>Wraps the shop's registered transport; call after the shop registered its messaging.</summary>
    public static void Register(IServiceCollection services)
    {
        var original = services.Last(d => d.ServiceType == typeof(IMessageTransport));
        services.Remove(original);
        services.AddSingleton(sp => new NoDeadLetterTransport((IMessageTransport)(original.ImplementationInstance
            ?? original.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!))));
        services.AddSingleton<IMessageTransport>(sp => sp.GetRequiredService<NoDeadLetterTransport>());
        // The transport's own schema step looks for its concrete type, which this wrapper hides: migrate it from here.
        services.AddSchemaMigration<NoDeadLetterTransport>();
    }

    public Task MigrateAsync(CancellationToken cancellationToken = default) =>
        inner is ISchemaOwner owner ? owner.MigrateAsync(cancellationToken) : Task.CompletedTask;

    public Task PublishAsync(string topic, MessageEnvelope envelope, CancellationToken cancellationToken) => inner.PublishAsync(topic, envelope, cancellationToken);

    public Task SendAsync(string queue, MessageEnvelope envelope, CancellationToken cancellationToken) => inner.SendAsync(queue, envelope, cancellationToken);

    public Task<IAsyncDisposable> ConsumeAsync(ConsumerEndpoint endpoint, Func<TransportDelivery, CancellationToken, Task> onDelivery, CancellationToken cancellationToken) =>
        inner.ConsumeAsync(endpoint, (delivery, ct) => onDelivery(new Requeueing(delivery), ct), cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

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
