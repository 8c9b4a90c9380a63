using System.Diagnostics.Metrics;
using Bulwark.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.EventSourcing;

/// <summary>Configures event sourcing: choose a store with the adapter's <c>UseSqlite</c> or <c>UsePostgres</c>, add projections.</summary>
public interface IEventSourcingBuilder : ISqlStoreBuilder<IEventSourcingBuilder>
{
    // Named explicitly: a plain call would bind to this very member and recurse.
    IEventSourcingBuilder ISqlStoreBuilder<IEventSourcingBuilder>.UseSqlDatabase(Func<IServiceProvider, SqlDatabase> database) => EventSourcingBuilderSqlExtensions.UseSqlDatabase(this, database);
}

/// <summary>Registers event sourcing.</summary>
public static class EventSourcingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <see cref="EventTypeRegistry"/>, the <see cref="EventSerializer"/> (crypto-shredding when an
    /// <see cref="ISubjectKeyStore"/> is registered) and <see cref="AggregateRepository{TAggregate}"/> for every aggregate.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="registerEvents">Registers event types and upcasters.</param>
    /// <param name="configure">Adjusts snapshot frequency.</param>
    /// <returns>The builder.</returns>
    public static IEventSourcingBuilder AddBulwarkEventSourcing(
        this IServiceCollection services,
        Action<EventTypeRegistry> registerEvents,
        Action<AggregateRepositoryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(registerEvents);
        var options = services.AddOptions<AggregateRepositoryOptions>().BindConfiguration(AggregateRepositoryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        var registry = new EventTypeRegistry();
        registerEvents(registry);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(registry);
        services.TryAddSingleton(sp => new EventSerializer(sp.GetRequiredService<EventTypeRegistry>(), sp.GetService<ISubjectKeyStore>()));
        services.TryAddSingleton(typeof(AggregateRepository<>));
        services.TryAddSingleton(sp => new ProjectionMetrics(sp.GetService<IMeterFactory>()));
        return new Builder(services);
    }

    /// <summary>
    /// Runs <typeparamref name="TProjection"/> in the background from its checkpoint. Its runner (for rebuilds and
    /// read-your-own-writes waits) is a keyed <see cref="ProjectionRunner"/> under <c>typeof(TProjection)</c>.
    /// </summary>
    /// <typeparam name="TProjection">The projection.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts batch size and polling.</param>
    /// <returns>The builder.</returns>
    public static IEventSourcingBuilder AddProjection<TProjection>(this IEventSourcingBuilder builder, Action<ProjectionRunnerOptions>? configure = null)
        where TProjection : class, IProjection
    {
        ArgumentNullException.ThrowIfNull(builder);
        var name = typeof(TProjection).FullName!;
        var options = builder.Services.AddOptions<ProjectionRunnerOptions>(name).ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddSingleton<TProjection>();
        builder.Services.TryAddKeyedSingleton(typeof(TProjection), (sp, _) =>
        {
            var runner = new ProjectionRunner(
                sp.GetRequiredService<IEventStore>(),
                sp.GetRequiredService<EventSerializer>(),
                sp.GetRequiredService<ICheckpointStore>(),
                sp.GetRequiredService<TProjection>(),
                Options.Create(sp.GetRequiredService<IOptionsMonitor<ProjectionRunnerOptions>>().Get(name)),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ProjectionRunner>>(),
                sp.GetService<IProjectionLease>());
            sp.GetRequiredService<ProjectionMetrics>().Track(runner);
            return runner;
        });
        builder.Services.AddSingleton<IHostedService>(sp => sp.GetRequiredKeyedService<ProjectionRunner>(typeof(TProjection)));
        // Also as a plain ProjectionRunner, so operations (lag, rebuild) can enumerate every projection.
        builder.Services.AddSingleton(sp => sp.GetRequiredKeyedService<ProjectionRunner>(typeof(TProjection)));
        return builder;
    }

    private sealed class Builder(IServiceCollection services) : IEventSourcingBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
