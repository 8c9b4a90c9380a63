namespace Bulwark.Sharding.Tests;

public sealed class ShardHashTests
{
    [Fact]
    public void BucketOf_SameKey_SameBucketOnEveryProcess()
    {
        // Pinned values: a hash that changed between releases (or processes) would route existing keys to the wrong shard.
        Assert.Equal(ShardHash.Hash("customer-1"), ShardHash.Hash("customer-1"));
        Assert.Equal(PinnedHashOfCustomer1, ShardHash.Hash("customer-1"));
        Assert.Equal((int)(PinnedHashOfCustomer1 % 1024), ShardHash.BucketOf("customer-1", 1024));
    }

    [Fact]
    public void BucketOf_ManyCustomerIds_SpreadEvenlyOverBucketsAndShards()
    {
        const int buckets = 1024;
        const int keys = 200_000;
        var perBucket = new int[buckets];
        var random = new Random(17);
        for (var i = 0; i < keys; i++)
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            perBucket[ShardHash.BucketOf(new Guid(bytes).ToString(), buckets)]++;
        }

        // ~195 per bucket; a Poisson spread stays well inside ±40%. Dealt round-robin to 4 shards, each gets ~25%.
        Assert.All(perBucket, count => Assert.InRange(count, 117, 273));
        var perShard = Enumerable.Range(0, 4).Select(s => perBucket.Where((_, b) => b % 4 == s).Sum()).ToArray();
        Assert.All(perShard, count => Assert.InRange(count, keys / 4 * 0.97, keys / 4 * 1.03));
    }

    [Fact]
    public void ShardedIds_NewId_CarriesItsBucket()
    {
        for (var bucket = 0; bucket < ShardedIds.MaxBuckets; bucket += 997)
        {
            var id = ShardedIds.NewId(bucket);
            Assert.Equal(32, id.Length);
            Assert.True(ShardedIds.TryReadBucket(id, out var read));
            Assert.Equal(bucket, read);
            Assert.Equal(bucket, ShardedIds.BucketOfStream("WalletAccount-" + id));
        }
    }

    private const uint PinnedHashOfCustomer1 = 3_902_211_816;
}
