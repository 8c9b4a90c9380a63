using Bulwark.Sharding;

namespace Shop.Orders.Sharding;

/// <summary>
/// New order ids. Sharded, an id carries its customer's bucket in its first four hex digits (<see cref="ShardedIds"/>,
/// as wallet ids do), so every later read or write by order id routes without a lookup and all of a customer's orders
/// share one shard. Unsharded, a version-7 GUID as before.
/// </summary>
/// <param name="router">The shard router, or <see langword="null"/> when orders are not sharded.</param>
internal sealed class OrderIds(IShardRouter? router)
{
    public Guid NewId(Guid customerId, DateTimeOffset now) =>
        router is null ? Guid.CreateVersion7(now) : Guid.ParseExact(ShardedIds.NewId(router.BucketOf(customerId.ToString("N"))), "N");

    /// <summary>The bucket an order id carries (every GUID's first four hex digits name one; past the map's count, none).</summary>
    public static int BucketOf(Guid orderId)
    {
        ShardedIds.TryReadBucket(orderId.ToString("N"), out var bucket);
        return bucket;
    }

    /// <summary>The bucket of an order's shard key (its id as <c>orders_orders.id</c> stores it), for the shard's write guard.</summary>
    public static int BucketOfKey(string key) =>
        Guid.TryParse(key, out var id) ? BucketOf(id) : throw new ArgumentException($"'{key}' is not an order id.", nameof(key));
}
