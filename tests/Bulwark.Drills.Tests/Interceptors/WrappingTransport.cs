using Bulwark.Data.Schema;
using Bulwark.Messaging;
using Bulwark.Messaging.DeadLetters;
using Bulwark.Messaging.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Drills.Tests.Interceptors;

/// <summary>
/// A transport around the shop's registered one that passes everything through unless a subclass changes it: the
/// shape of the drills' broker interceptors (a DLQ switched off, trace context dropped). Registered by tests only.
/// </summary>
internal abstract class WrappingTransport(IMessageTransport inner) : IMessageTransport, ISchemaOwner
{
    public string Name => inner.Name;

    public IDeadLetterStore DeadLetters => inner.DeadLetters;

    protected IMessageTransport Inner => inner;

    public Task MigrateAsync(CancellationToken cancellationToken = default) =>
        inner is ISchemaOwner owner ? owner.MigrateAsync(cancellationToken) : Task.CompletedTask;

    public virtual Task PublishAsync(string topic, MessageEnvelope envelope, CancellationToken cancellationToken) => inner.PublishAsync(topic, envelope, cancellationToken);

    public virtual Task SendAsync(string queue, MessageEnvelope envelope, CancellationToken cancellationToken) => inner.SendAsync(queue, envelope, cancellationToken);

    public virtual Task<IAsyncDisposable> ConsumeAsync(ConsumerEndpoint endpoint, Func<TransportDelivery, CancellationToken, Task> onDelivery, CancellationToken cancellationToken) =>
        inner.ConsumeAsync(endpoint, onDelivery, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    /// <summary>Replaces the shop's registered transport with <paramref name="wrap"/> around it; call after the shop registered its messaging.</summary>
    protected static void Register<TWrapper>(IServiceCollection services, Func<IMessageTransport, TWrapper> wrap)
        where TWrapper : WrappingTransport
    {
        var original = services.Last(d => d.ServiceType == typeof(IMessageTransport));
        services.Remove(original);
        services.AddSingleton(sp => wrap((IMessageTransport)(original.ImplementationInstance
            ?? original.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!))));
        services.AddSingleton<IMessageTransport>(sp => sp.GetRequiredService<TWrapper>());
        // The transport's own schema step looks for its concrete type, which the wrapper hides: migrate it from here.
        services.AddSchemaMigration<TWrapper>();
    }
}
