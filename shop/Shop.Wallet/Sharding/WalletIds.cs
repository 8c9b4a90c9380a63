using Bulwark.Sharding;

namespace Shop.Wallet.Sharding;

/// <summary>
/// New wallet ids. Sharded, an id carries its owner's bucket (<see cref="ShardedIds"/>): all of a customer's wallets
/// share one shard, and a request holding only the id routes without a lookup. Unsharded, an id is a plain GUID.
/// </summary>
/// <param name="router">The shard router, or <see langword="null"/> when wallets are not sharded.</param>
internal sealed class WalletIds(IShardRouter? router)
{
    public bool Sharded => router is not null;

    public string NewId(Guid customerId) =>
        router is null ? Guid.NewGuid().ToString("N") : ShardedIds.NewId(router.BucketOf(customerId.ToString("N")));

    /// <summary>Whether <paramref name="id"/> can name a wallet here: sharded, it must carry a bucket of this map.</summary>
    public bool CanExist(string id) =>
        router is null || (ShardedIds.TryReadBucket(id, out var bucket) && bucket < router.BucketCount);
}
