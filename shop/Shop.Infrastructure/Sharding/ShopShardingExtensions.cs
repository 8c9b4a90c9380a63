using Bulwark.Data;
using Bulwark.Postgres;
using Bulwark.Sharding;
using Bulwark.Sharding.EventSourcing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Modules;

namespace Shop.Infrastructure.Sharding;

/// <summary>
/// Sharding for the modules that outgrow one database (wallets): when <c>Shop:Sharding:Shards</c> lists databases,
/// Bulwark.Sharding's catalog, router and bucket mover with sharded event streams. See docs/sharding.md.
/// </summary>
public static class ShopShardingExtensions
{
    /// <summary>
    /// Adds sharding once when <c>Shop:Sharding:Shards</c> is configured; a module calls it and keeps its data in the
    /// shop database when it answers <see langword="false"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The host's configuration.</param>
    /// <returns>Whether sharding is on.</returns>
    /// <exception cref="InvalidOperationException">A shard has no connection string.</exception>
    public static bool AddShopSharding(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(ShopShards)))
        {
            return true;
        }

        var options = new ShopShardingOptions();
        configuration.GetSection(ShopShardingOptions.SectionName).Bind(options);
        if (options.Shards.Count == 0)
        {
            return false;
        }

        for (var i = 0; i < options.Shards.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.Shards[i].ConnectionString))
            {
                throw new InvalidOperationException($"{ShopShardingOptions.SectionName}:Shards:{i}:ConnectionString is empty; set it to the shard's Npgsql connection string.");
            }
        }

        services.AddShopDatabase();
        services.AddSingleton(new ShopShards(options));
        services.AddBulwarkSharding(
                sp => sp.GetRequiredService<ShopShards>().Catalog ?? ShopDatabase.Resolve(sp),
                sp => sp.GetRequiredService<ShopShards>().Databases)
            .WithEventStreams();
        return true;
    }

    /// <summary>The shard databases' data sources, owned (and disposed) by the container.</summary>
    internal sealed class ShopShards : IAsyncDisposable
    {
        private readonly List<NpgsqlDataSource> _dataSources = [];

        public ShopShards(ShopShardingOptions options)
        {
            Databases = options.Shards.Select((shard, i) => new ShardDefinition(shard.Name ?? $"shard-{i}", Open(shard.ConnectionString!), shard.Spare)).ToArray();
            Catalog = options.CatalogConnectionString is { Length: > 0 } catalog ? Open(catalog) : null;
        }

        public IReadOnlyList<ShardDefinition> Databases { get; }

        public SqlDatabase? Catalog { get; }

        public async ValueTask DisposeAsync()
        {
            foreach (var dataSource in _dataSources)
            {
                await dataSource.DisposeAsync();
            }
        }

        // The same bounded pool as the shop database (ShopDatabase.DefaultMaxPoolSize) unless the string says otherwise.
        private SqlDatabase Open(string connectionString)
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (!connectionString.Contains("Pool Size", StringComparison.OrdinalIgnoreCase))
            {
                builder.MaxPoolSize = ShopDatabase.DefaultMaxPoolSize;
            }

            var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
            _dataSources.Add(dataSource);
            return PostgresDatabase.Create(dataSource);
        }
    }
}
