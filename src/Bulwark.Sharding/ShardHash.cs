using System.Buffers;
using System.Text;

namespace Bulwark.Sharding;

/// <summary>
/// The stable hash from a key to its bucket: 32-bit FNV-1a over the key's UTF-8 bytes, finished with MurmurHash3's
/// 32-bit mixer, modulo the bucket count. Stable means the same on every process, machine and runtime version
/// (<see cref="string.GetHashCode()"/> is randomized per process), and simple enough to write again in SQL or another
/// language; the mixer spreads FNV's weak low bits, which the modulo keeps.
/// </summary>
public static class ShardHash
{
    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;

    /// <summary>The bucket of <paramref name="key"/>.</summary>
    /// <param name="key">The shard key (a customer id's text).</param>
    /// <param name="bucketCount">The number of buckets.</param>
    /// <returns>0 to <paramref name="bucketCount"/> - 1.</returns>
    public static int BucketOf(string key, int bucketCount)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketCount, 1);
        return (int)(Hash(key) % (uint)bucketCount);
    }

    /// <summary>The 32-bit hash of <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The hash.</returns>
    public static uint Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var length = Encoding.UTF8.GetMaxByteCount(key.Length);
        var rented = length > 256 ? ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> buffer = rented ?? stackalloc byte[256];
        try
        {
            var written = Encoding.UTF8.GetBytes(key, buffer);
            var hash = FnvOffset;
            foreach (var b in buffer[..written])
            {
                hash = (hash ^ b) * FnvPrime;
            }

            // MurmurHash3 fmix32.
            hash ^= hash >> 16;
            hash *= 0x85EBCA6B;
            hash ^= hash >> 13;
            hash *= 0xC2B2AE35;
            hash ^= hash >> 16;
            return hash;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
