using Bulwark.Messaging.Bus;
using Bulwark.Messaging.ClaimCheck;
using Bulwark.Messaging.DeadLetters;
using Bulwark.Messaging.Diagnostics;
using Bulwark.Messaging.Retries;
using Bulwark.Messaging.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Messaging;

/// <summary>Registers the Bulwark message bus.</summary>
public static class MessagingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the bus, dead-letter admin, metrics and the hosted consumers. Choose a transport on the returned builder:
    /// <c>UseSqliteTransport()</c> (embedded, the default choice) or <c>UseRabbitMq(...)</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the bus-wide options.</param>
    /// <returns>The messaging builder.</returns>
    public static IMessagingBuilder AddBulwarkMessaging(this IServiceCollection services, Action<MessagingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<MessagingOptions>().Configure(configure ?? (_ => { })).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ClaimCheckOptions>();
        services.AddMetrics();
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        var registry = services.FirstOrDefault(d => d.ServiceType == typeof(MessageTypeRegistry))?.ImplementationInstance as MessageTypeRegistry;
        if (registry is null)
        {
            registry = new MessageTypeRegistry();
            services.AddSingleton(registry);
        }

        services.TryAddSingleton<IMessageSerializer>(sp => new JsonMessageSerializer(sp.GetRequiredService<MessageTypeRegistry>()));
        services.TryAddSingleton<IJitterSource, SharedRandomJitterSource>();
        services.TryAddSingleton(sp => new MessagingMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton(sp => new ClaimCheckProcessor(sp.GetRequiredService<IOptions<ClaimCheckOptions>>()));
        services.TryAddSingleton<IDeadLetterAdmin>(sp => new DeadLetterAdmin(
            sp.GetService<Transport.IMessageTransport>() ?? throw new InvalidOperationException(MessageBus.NoTransport),
            sp.GetRequiredService<MessagingMetrics>(),
            sp.GetRequiredService<ILogger<DeadLetterAdmin>>()));
        services.TryAddSingleton(sp =>
        {
            // Without a transport the bus still builds (a host may only create envelopes); using it names the fix.
            var transport = sp.GetService<Transport.IMessageTransport>();
            return new MessageBus(
                transport,
                transport is null ? null : sp.GetRequiredService<IDeadLetterAdmin>(),
                sp.GetRequiredService<MessageTypeRegistry>(),
                sp.GetRequiredService<IMessageSerializer>(),
                sp.GetRequiredService<ClaimCheckProcessor>(),
                sp.GetRequiredService<MessagingMetrics>(),
                sp.GetRequiredService<IJitterSource>(),
                sp.GetRequiredService<IServiceScopeFactory>(),
                sp.GetRequiredService<IOptions<MessagingOptions>>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<MessageBus>>());
        });
        services.TryAddSingleton<IMessageBus>(sp => sp.GetRequiredService<MessageBus>());
        services.TryAddSingleton<IMessagePublisher>(sp => sp.GetRequiredService<MessageBus>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MessagingHostedService>(sp => new MessagingHostedService(
            sp.GetRequiredService<IMessageBus>(),
            sp.GetServices<Subscriptions.SubscriptionDefinition>())));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DeadLetterDepthMonitor>(sp => new DeadLetterDepthMonitor(
            sp.GetRequiredService<IDeadLetterAdmin>(),
            sp.GetRequiredService<IOptions<MessagingOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DeadLetterDepthMonitor>>())));
        return new MessagingBuilder(services, registry);
    }

    private sealed class MessagingBuilder(IServiceCollection services, MessageTypeRegistry types) : IMessagingBuilder
    {
        public IServiceCollection Services { get; } = services;

        public MessageTypeRegistry Types { get; } = types;
    }
}
