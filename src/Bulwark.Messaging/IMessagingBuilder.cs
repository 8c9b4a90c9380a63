using Bulwark.Messaging.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Messaging;

/// <summary>Configures messaging: transport (<c>UseSqliteTransport</c>, <c>UseRabbitMq</c>), types, subscriptions, claim check.</summary>
public interface IMessagingBuilder
{
    /// <summary>The service collection.</summary>
    IServiceCollection Services { get; }

    /// <summary>The message type registry.</summary>
    MessageTypeRegistry Types { get; }
}
