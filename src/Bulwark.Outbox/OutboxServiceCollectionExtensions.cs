using System.Diagnostics.Metrics;
using Bulwark.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Outbox;

/// <summary>Configures the outbox: a store adapter (<c>UseSqlite</c>, <c>UsePostgres</c>), a transport and the relay.</summary>
public interface IOutboxBuilder : ISqlStoreBuilder<IOutboxBuilder>
{
    // The outbox in the database that holds the business tables, migrated in the host's starting phase; the adapters'
    // UseSqlite/UsePostgres call this.
    IOutboxBuilder ISqlStoreBuilder<IOutboxBuilder>.UseSqlDatabase(Func<IServiceProvider, SqlDatabase> database)
    {
        Services.AddSqlStore(database, static (db, clock) => new SqlOutboxStore(db, clock))
            .AddSqlStorePort<IOutbox, SqlOutboxStore>()
            .AddSqlStorePort<IOutboxStore, SqlOutboxStore>();
        return this;
    }
}

/// <summary>Registers the transactional outbox.</summary>
public static class OutboxServiceCollectionExtensions
{
    /// <summary>
    /// Adds the outbox relay as a hosted service with validated <see cref="OutboxRelayOptions"/>, and the
    /// in-process transport unless another <see cref="IOutboxTransport"/> is registered. Choose a store with the
    /// adapter's <c>UseSqlite</c>/<c>UsePostgres</c> on the returned builder.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Adjusts the relay options.</param>
    /// <returns>The builder.</returns>
    public static IOutboxBuilder AddBulwarkOutbox(this IServiceCollection services, Action<OutboxRelayOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<OutboxRelayOptions>().BindConfiguration(OutboxRelayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IOutboxTransport, InProcessOutboxTransport>();
        services.TryAddSingleton<OutboxRelay>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OutboxRelay>(sp => sp.GetRequiredService<OutboxRelay>()));
        return new OutboxBuilder(services);
    }

    /// <summary>Publishes through <typeparamref name="TTransport"/> instead of the in-process transport.</summary>
    /// <typeparam name="TTransport">The transport adapter.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IOutboxBuilder WithTransport<TTransport>(this IOutboxBuilder builder)
        where TTransport : class, IOutboxTransport
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IOutboxTransport, TTransport>());
        return builder;
    }

    /// <summary>
    /// Relays further outbox stores besides the application's own, one <see cref="OutboxRelay"/> each
    /// (<see cref="OutboxStoreRelays"/>): e.g. each shard's outbox, written in the same transaction as the shard's rows.
    /// The stores are resolved and checked at start (names non-empty, unique, not <see cref="OutboxRelay.DefaultStoreName"/>);
    /// every relay publishes through the registered transport with the shared <see cref="OutboxRelayOptions"/>. See
    /// docs/data-consistency.md.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="stores">Resolves the stores; the caller migrates them.</param>
    /// <returns>The builder.</returns>
    public static IOutboxBuilder WithStoreRelays(this IOutboxBuilder builder, Func<IServiceProvider, IEnumerable<NamedOutboxStore>> stores)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(stores);
        builder.Services.AddSingleton<IHostedService>(sp => new OutboxStoreRelays(
            stores(sp),
            sp.GetRequiredService<IOutboxTransport>(),
            sp.GetRequiredService<IOptions<OutboxRelayOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OutboxRelay>>(),
            sp.GetService<IMeterFactory>()));
        return builder;
    }

    /// <summary>Adds a subscriber of the in-process transport.</summary>
    /// <typeparam name="TSubscriber">The subscriber.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IOutboxBuilder WithSubscriber<TSubscriber>(this IOutboxBuilder builder)
        where TSubscriber : class, IOutboxSubscriber
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutboxSubscriber, TSubscriber>());
        return builder;
    }

    private sealed class OutboxBuilder(IServiceCollection services) : IOutboxBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
