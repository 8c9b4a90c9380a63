using Bulwark.Data.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bulwark.Sharding.EventSourcing;

/// <summary>Adds sharded event streams to <c>AddBulwarkSharding()</c>.</summary>
public static class ShardingBuilderEventSourcingExtensions
{
    /// <summary>
    /// Registers <see cref="ShardedEventStreams"/> (each shard's guarded event store, migrated at start),
    /// <see cref="ShardedEventStore"/> (give it to an <c>AggregateRepository</c> of a sharded aggregate), and the streams'
    /// <see cref="IShardBucketData"/> so bucket moves carry them.
    /// </summary>
    /// <param name="builder">The sharding builder.</param>
    /// <param name="bucketOfStream">The bucket of a stream id; <see cref="ShardedIds.BucketOfStream"/> when <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static IShardingBuilder WithEventStreams(this IShardingBuilder builder, Func<string, int>? bucketOfStream = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(sp => new ShardedEventStreams(sp.GetRequiredService<IReadOnlyList<Shard>>(), sp.GetRequiredService<TimeProvider>(), bucketOfStream));
        services.AddSchemaMigration<ShardedEventStreams>();
        services.TryAddSingleton(sp => new ShardedEventStore(sp.GetRequiredService<IShardRouter>(), sp.GetRequiredService<ShardedEventStreams>().Stores, bucketOfStream));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IShardBucketData, EventStreamBucketData>(sp => new EventStreamBucketData(sp.GetRequiredService<ShardedEventStreams>().Stores)));
        return builder;
    }
}
