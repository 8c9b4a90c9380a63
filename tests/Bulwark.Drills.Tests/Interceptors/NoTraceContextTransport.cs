using Bulwark.Data.Schema;
using Bulwark.Messaging;
using Bulwark.Messaging.DeadLetters;
using Bulwark.Messaging.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Drills.Tests.Interceptors;

/// <summary>
/// The shop with trace propagation through the broker switched off, for the Needle drill's failing half: every message
/// leaves without its <c>traceparent</c>, <c>tracestate</c>, baggage and correlation id, as through a broker or a
/// hand-written producer that drops them. Registered by tests only (<see cref="Register"/>), around whatever transport the shop chose.
/// </summary>
internal sealed class NoTraceContextTransport(IMessageTransport inner) : IMessageTransport, ISchemaOwner
{
    public string Name => inner.Name;

    public IDeadLetterStore DeadLetters => inner.DeadLetters;

    /// <summary>Wraps the shop's registered transport; call after the shop registered its messaging.</summary>
    public static void Register(IServiceCollection services)
    {
        var original = services.Last(d => d.ServiceType == typeof(IMessageTransport));
        services.Remove(original);
        services.AddSingleton(sp => new NoTraceContextTransport((IMessageTransport)(original.ImplementationInstance
            ?? original.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!))));
        services.AddSingleton<IMessageTransport>(sp => sp.GetRequiredService<NoTraceContextTransport>());
        // The transport's own schema step looks for its concrete type, which this wrapper hides: migrate it from here.
        services.AddSchemaMigration<NoTraceContextTransport>();
    }

    public Task MigrateAsync(CancellationToken cancellationToken = default) =>
        inner is ISchemaOwner owner ? owner.MigrateAsync(cancellationToken) : Task.CompletedTask;

    public Task PublishAsync(string topic, MessageEnvelope envelope, CancellationToken cancellationToken) => inner.PublishAsync(topic, Strip(envelope), cancellationToken);

    public Task SendAsync(string queue, MessageEnvelope envelope, CancellationToken cancellationToken) => inner.SendAsync(queue, Strip(envelope), cancellationToken);

    public Task<IAsyncDisposable> ConsumeAsync(ConsumerEndpoint endpoint, Func<TransportDelivery, CancellationToken, Task> onDelivery, CancellationToken cancellationToken) =>
        inner.ConsumeAsync(endpoint, onDelivery, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private static MessageEnvelope Strip(MessageEnvelope envelope) => envelope with
    {
        TraceParent = null,
        TraceState = null,
        CorrelationId = null,
        Headers = envelope.Headers.Where(h => h.Key != MessageHeaders.Baggage).ToDictionary(StringComparer.Ordinal),
    };
}
