using Bulwark.AspNetCore.Health;
using Bulwark.AzureBlob.ClaimCheck;
using Bulwark.Data.Schema;
using Bulwark.Idempotency;
using Bulwark.Messaging;
using Bulwark.Messaging.ClaimCheck;
using Bulwark.Messaging.Serialization;
using Bulwark.Messaging.Subscriptions;
using Bulwark.RabbitMQ.Messaging;
using Bulwark.Sqlite.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Modules;

namespace Shop.Infrastructure.Messaging;

/// <summary>The shop's message bus: transport, claim check and inbox, chosen from configuration.</summary>
public static class ShopMessaging
{
    /// <summary>
    /// Adds the bus. Embedded by default: the SQLite transport in <c>messaging.db</c> and claim checks under
    /// <c>claim-checks/</c>, both in the data folder. <c>Shop:Messaging:Transport=RabbitMq</c> switches to RabbitMQ
    /// (<c>Shop:Messaging:RabbitMq:*</c>, the options of <see cref="RabbitMqTransportOptions"/>; readiness then includes
    /// the broker), <c>Shop:Messaging:BlobStore=AzureBlob</c> to Azure Blob (<c>Shop:Messaging:AzureBlob:*</c>).
    /// Handlers get an <see cref="IInbox"/> and an <see cref="ISequenceGuard"/> on the shop database; the outbox relays through the bus with
    /// <c>AddBulwarkOutbox().WithMessageBus()</c> (Bulwark.Outbox.Messaging). Call it before <c>AddBulwarkOutbox()</c>
    /// so subscriptions are bound before the relay publishes.
    /// </summary>
    public static IMessagingBuilder AddShopMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(ShopMessagingOptions.SectionName).Get<ShopMessagingOptions>() ?? new ShopMessagingOptions();
        services.AddOptions<ShopMessagingOptions>().BindConfiguration(ShopMessagingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var dataPath = configuration[$"{ShopDataOptions.SectionName}:{nameof(ShopDataOptions.Path)}"] ?? new ShopDataOptions().Path;

        var bus = services.AddBulwarkMessaging();
        services.AddOptions<MessagingOptions>().BindConfiguration(MessagingOptions.SectionName);
        if (options.Transport == ShopTransport.RabbitMq)
        {
            bus.UseRabbitMq();
            services.AddOptions<RabbitMqTransportOptions>().BindConfiguration($"{ShopMessagingOptions.SectionName}:RabbitMq")
                .Validate(
                    o => o.ConnectionUri.IsAbsoluteUri && o.ConnectionUri.Scheme is "amqp" or "amqps",
                    $"{ShopMessagingOptions.SectionName}:RabbitMq:ConnectionUri must be an amqp:// or amqps:// URI such as amqp://user:password@127.0.0.1:5672/ when {ShopMessagingOptions.SectionName}:Transport is RabbitMq.")
                .ValidateOnStart();
            services.AddHealthChecks().AddCheck<RabbitMqHealthCheck>("rabbitmq", tags: [HealthTags.Ready]);
        }
        else
        {
            // Its own file, not shop.db: the queue is the broker's stand-in, churns on every lease and ack, and needs no
            // transaction with module tables (the outbox and the inbox bridge that gap), so it stays off their write lock.
            bus.UseSqliteTransport(o => o.DatabasePath = Path.GetFullPath(Path.Combine(dataPath, ShopMessagingOptions.EmbeddedFileName)));
            services.AddOptions<SqliteTransportOptions>().BindConfiguration($"{ShopMessagingOptions.SectionName}:Sqlite");
        }

        bus.UseClaimCheck(o => o.ThresholdBytes = options.ClaimCheckThresholdBytes);
        if (options.BlobStore == ShopBlobStore.AzureBlob)
        {
            bus.UseAzureBlobStore();
            services.AddOptions<AzureBlobStoreOptions>().BindConfiguration($"{ShopMessagingOptions.SectionName}:AzureBlob");
        }
        else
        {
            bus.UseFileSystemBlobStore(Path.GetFullPath(Path.Combine(dataPath, "claim-checks")));
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddShopDatabase();
        services.TryAddSingleton(sp => new SqlInbox(ShopDatabase.Resolve(sp), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IInbox>(sp => sp.GetRequiredService<SqlInbox>());
        // Migrated in the host's starting phase: the inbox table exists before any subscription delivers.
        services.AddSchemaMigration<SqlInbox>();
        services.TryAddSingleton(sp => new SqlSequenceGuard(ShopDatabase.Resolve(sp), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ISequenceGuard>(sp => sp.GetRequiredService<SqlSequenceGuard>());
        services.AddSchemaMigration<SqlSequenceGuard>();
        return bus;
    }

    /// <summary>
    /// Registers a shop integration event under its topic, used as its wire type name too (what
    /// <see cref="Bulwark.Outbox.Messaging.BusOutboxTransport"/> sends). Safe to call from every module that publishes or consumes it.
    /// </summary>
    public static IMessagingBuilder AddShopContract<TMessage>(this IMessagingBuilder builder, string topic)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMessageType<TMessage>(topic, topic);
    }

    /// <summary>
    /// Adds a module's subscription (its own durable queue, also its inbox consumer name): each
    /// <see cref="ShopSubscription.On{TMessage, THandler}"/> registers the contract under its topic, binds the topic and
    /// handles the message. Needs <see cref="AddShopMessaging"/>.
    /// </summary>
    public static IServiceCollection AddShopSubscription(this IServiceCollection services, string name, Action<ShopSubscription> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var subscription = new ShopSubscription();
        configure(subscription);
        var bus = services.AddBulwarkMessaging();
        foreach (var contract in subscription.Contracts)
        {
            contract(bus);
        }

        bus.AddSubscription(name, s =>
        {
            foreach (var binding in subscription.Bindings)
            {
                binding(s);
            }
        });
        return services;
    }
}

/// <summary>The topics a module's subscription takes and the handler of each (<see cref="ShopMessaging.AddShopSubscription"/>).</summary>
public sealed class ShopSubscription
{
    internal List<Action<IMessagingBuilder>> Contracts { get; } = [];

    internal List<Action<SubscriptionBuilder>> Bindings { get; } = [];

    /// <summary>Takes <paramref name="topic"/> and handles its <typeparamref name="TMessage"/> with <typeparamref name="THandler"/>.</summary>
    public ShopSubscription On<TMessage, THandler>(string topic)
        where THandler : IMessageHandler<TMessage>
    {
        Contracts.Add(bus => bus.AddShopContract<TMessage>(topic));
        Bindings.Add(s => s.FromTopic(topic).Handle<TMessage, THandler>());
        return this;
    }
}
