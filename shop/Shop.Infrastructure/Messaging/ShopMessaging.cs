using Bulwark.AspNetCore.Health;
using Bulwark.AzureBlob.ClaimCheck;
using Bulwark.Idempotency;
using Bulwark.Messaging;
using Bulwark.Messaging.ClaimCheck;
using Bulwark.Messaging.Serialization;
using Bulwark.RabbitMQ.Messaging;
using Bulwark.Sqlite.Idempotency;
using Bulwark.Sqlite.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Shop.Infrastructure.Sqlite;

namespace Shop.Infrastructure.Messaging;

/// <summary>The shop's message bus: transport, claim check and inbox, chosen from configuration.</summary>
public static class ShopMessaging
{
    /// <summary>
    /// Adds the bus. Embedded by default: the SQLite transport in <c>messaging.db</c> and claim checks under
    /// <c>claim-checks/</c>, both in the data folder. <c>Shop:Messaging:Transport=RabbitMq</c> switches to RabbitMQ
    /// (<c>Shop:Messaging:RabbitMq:*</c>, the options of <see cref="RabbitMqTransportOptions"/>; readiness then includes
    /// the broker), <c>Shop:Messaging:BlobStore=AzureBlob</c> to Azure Blob (<c>Shop:Messaging:AzureBlob:*</c>).
    /// Handlers get an <see cref="IInbox"/> on the shop database; the outbox relays through the bus with
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
            services.AddOptions<RabbitMqTransportOptions>().BindConfiguration($"{ShopMessagingOptions.SectionName}:RabbitMq");
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
        var shopDb = ShopDataOptions.ConnectionString(dataPath);
        services.TryAddSingleton(sp => new SqliteInbox(shopDb, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IInbox>(sp => sp.GetRequiredService<SqliteInbox>());
        // First of all hosted services: the inbox table must exist before a subscription delivers anything.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => new InboxMigration(sp.GetRequiredService<SqliteInbox>())));
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

    private sealed class InboxMigration(SqliteInbox inbox) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => inbox.MigrateAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
