using System.Diagnostics.Metrics;
using Bulwark.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Sharding;

/// <summary>Configures sharding after <see cref="ShardingServiceCollectionExtensions.AddBulwarkSharding"/>.</summary>
public interface IShardingBuilder
{
    /// <summary>The service collection being configured.</summary>
    IServiceCollection Services { get; }
}

/// <summary>Registers the shard catalog, the router and the bucket mover.</summary>
public static class ShardingServiceCollectionExtensions
{
    /// <summary>
    /// Adds sharding: <see cref="ShardingOptions"/> bound from <c>Bulwark:Sharding</c> and validated at start, the
    /// catalog on <paramref name="catalog"/>, one <see cref="Shard"/> per entry of <paramref name="shards"/>, the
    /// <see cref="IShardRouter"/> (its map seeded and cached in the host's starting phase), and the
    /// <see cref="ShardBucketMover"/> over every registered <see cref="IShardBucketData"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="catalog">Resolves the catalog database.</param>
    /// <param name="shards">Resolves the shards, in the order the first map deals buckets to those that are not spares.</param>
    /// <param name="configure">Adjusts the options after configuration binding.</param>
    /// <returns>The builder.</returns>
    public static IShardingBuilder AddBulwarkSharding(
        this IServiceCollection services,
        Func<IServiceProvider, SqlDatabase> catalog,
        Func<IServiceProvider, IReadOnlyList<ShardDefinition>> shards,
        Action<ShardingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(shards);
        var options = services.AddOptions<ShardingOptions>().BindConfiguration(ShardingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ShardingMetrics(sp.GetService<IMeterFactory>()));
        services.AddSqlStore(catalog, static (db, clock) => new SqlShardCatalog(db, clock));
        services.TryAddSingleton<IReadOnlyList<Shard>>(sp =>
        {
            var clock = sp.GetRequiredService<TimeProvider>();
            return shards(sp).Select(s => new Shard(s.Name, s.Database, clock, s.Spare)).ToArray();
        });
        services.TryAddSingleton(sp => new ShardRouter(
            sp.GetRequiredService<SqlShardCatalog>(),
            sp.GetRequiredService<IReadOnlyList<Shard>>(),
            sp.GetRequiredService<IOptions<ShardingOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ShardingMetrics>(),
            sp.GetRequiredService<ILogger<ShardRouter>>()));
        services.TryAddSingleton<IShardRouter>(sp => sp.GetRequiredService<ShardRouter>());
        services.TryAddSingleton(sp => new ShardBucketMover(
            sp.GetRequiredService<SqlShardCatalog>(),
            sp.GetRequiredService<ShardRouter>(),
            sp.GetServices<IShardBucketData>().ToArray(),
            sp.GetRequiredService<IOptions<ShardingOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ShardingMetrics>(),
            sp.GetRequiredService<ILogger<ShardBucketMover>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ShardMapInitializer>());
        return new Builder(services);
    }

    private sealed class Builder(IServiceCollection services) : IShardingBuilder
    {
        public IServiceCollection Services { get; } = services;
    }

    // Seeds and caches the map in the starting phase, after the catalog's migration (registered first), before any
    // hosted service or request routes.
    private sealed class ShardMapInitializer(ShardRouter router) : IHostedLifecycleService
    {
        public Task StartingAsync(CancellationToken cancellationToken) => router.InitializeAsync(cancellationToken);

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>A shard as configured.</summary>
/// <param name="Name">The name the catalog uses.</param>
/// <param name="Database">Its database.</param>
/// <param name="Spare">Whether the first map leaves it empty (<see cref="Shard.Spare"/>).</param>
public sealed record ShardDefinition(string Name, SqlDatabase Database, bool Spare = false);
