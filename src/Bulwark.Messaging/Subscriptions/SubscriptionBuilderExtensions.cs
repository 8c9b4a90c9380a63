using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Messaging.Subscriptions;

/// <summary>Adds subscriptions that start with the host.</summary>
public static class SubscriptionBuilderExtensions
{
    /// <summary>Adds a subscription the hosted service starts; adding one never changes a publisher.</summary>
    /// <param name="builder">The messaging builder.</param>
    /// <param name="name">The subscription (queue) name.</param>
    /// <param name="configure">Adds topics and handlers.</param>
    /// <returns>The builder.</returns>
    public static IMessagingBuilder AddSubscription(this IMessagingBuilder builder, string name, Action<SubscriptionBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(SubscriptionDefinition.Create(name, configure));
        return builder;
    }
}
