using Bulwark.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bulwark.Sagas;

/// <summary>Configures sagas: choose a store with the adapter's <c>UseSqlite</c> or <c>UsePostgres</c>, then add definitions.</summary>
public interface ISagaBuilder : ISqlStoreBuilder<ISagaBuilder>
{
    // Saga instances in the database, migrated in the host's starting phase; the adapters' UseSqlite/UsePostgres call this.
    ISagaBuilder ISqlStoreBuilder<ISagaBuilder>.UseSqlDatabase(Func<IServiceProvider, SqlDatabase> database)
    {
        Services.AddSqlStore(database, static (db, clock) => new SqlSagaStore(db, clock))
            .AddSqlStorePort<ISagaStore, SqlSagaStore>();
        return this;
    }
}

/// <summary>Registers saga orchestrators.</summary>
public static class SagaServiceCollectionExtensions
{
    /// <summary>Starts saga registration.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The builder.</returns>
    public static ISagaBuilder AddBulwarkSagas(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<SagaSweeperOptions>().BindConfiguration(SagaSweeperOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        return new Builder(services);
    }

    /// <summary>
    /// Registers a <see cref="SagaOrchestrator{TData}"/> for <paramref name="definition"/> and its
    /// <see cref="SagaSweeper{TData}"/>, which resumes unfinished instances at start and keeps sweeping while the host runs.
    /// </summary>
    /// <typeparam name="TData">The saga's data.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="definition">The steps.</param>
    /// <returns>The builder.</returns>
    public static ISagaBuilder AddSaga<TData>(this ISagaBuilder builder, SagaDefinition<TData> definition)
        where TData : class
    {
        ArgumentNullException.ThrowIfNull(definition);
        return builder.AddSaga(_ => definition);
    }

    /// <summary>
    /// Registers a <see cref="SagaOrchestrator{TData}"/> whose definition is built once, from the container, when the
    /// orchestrator is first needed (steps that call services take them from <paramref name="define"/>, as a
    /// constructor would), and its <see cref="SagaSweeper{TData}"/>, which resumes unfinished instances at start and
    /// keeps sweeping while the host runs. Registered <see cref="ISagaStepInterceptor"/>s (tests and drills only) see
    /// every step.
    /// </summary>
    /// <typeparam name="TData">The saga's data.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="define">Builds the steps from the container's singletons.</param>
    /// <returns>The builder.</returns>
    public static ISagaBuilder AddSaga<TData>(this ISagaBuilder builder, Func<IServiceProvider, SagaDefinition<TData>> define)
        where TData : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(define);
        builder.Services.TryAddSingleton(sp => new SagaOrchestrator<TData>(
            define(sp),
            sp.GetRequiredService<ISagaStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SagaOrchestrator<TData>>>(),
            json: null,
            sp.GetServices<ISagaStepInterceptor>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SagaSweeper<TData>>());
        return builder;
    }

    private sealed class Builder(IServiceCollection services) : ISagaBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
