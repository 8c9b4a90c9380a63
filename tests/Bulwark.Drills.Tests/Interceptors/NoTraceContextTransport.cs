using Bulwark.Messaging;
using Bulwark.Messaging.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Drills.Tests.Interceptors;

/// <summary>
/// The shop with trace propagation through the broker switched off, for the Needle drill's failing half: every message
/// leaves without its <c>traceparent</c>, <c>tracestate</c>, baggage and correlation id, as through a broker or a
/// hand-written producer that drops them. Registered by tests only (<see cref="Register"/>), around whatever transport the shop chose.
/// </summary>
internal sealed class NoTraceContextTransport(IMessageTransport inner) : WrappingTransport(inner)
{
    /// <summary>Wraps the shop's registered transport; call after the shop registered its messaging.</summary>
    public static void Register(IServiceCollection services) => Register(services, inner => new NoTraceContextTransport(inner));

    public override Task PublishAsync(string topic, MessageEnvelope envelope, CancellationToken cancellationToken) => Inner.PublishAsync(topic, Strip(envelope), cancellationToken);

    public override Task SendAsync(string queue, MessageEnvelope envelope, CancellationToken cancellationToken) => Inner.SendAsync(queue, Strip(envelope), cancellationToken);

    private static MessageEnvelope Strip(MessageEnvelope envelope) => envelope with
    {
        TraceParent = null,
        TraceState = null,
        CorrelationId = null,
        Headers = envelope.Headers.Where(h => h.Key != MessageHeaders.Baggage).ToDictionary(StringComparer.Ordinal),
    };
}
