using System.Text;

namespace Bulwark.Edge.Release;

/// <summary>
/// Puts a customer in one of 10,000 buckets for a given canary, the same on every edge instance and after a restart
/// (a stable hash, not <see cref="string.GetHashCode()"/>). A customer is on the canary when the bucket is below the
/// weight, so raising the weight only ever adds customers: whoever saw the new version keeps it while the rollout
/// goes on. The canary's name salts the hash so each rollout picks its own first customers. The cell router uses the
/// same hash with its own salt and bucket count (<see cref="Of(string, string, int)"/>).
/// </summary>
public static class CustomerBuckets
{
    /// <summary>The number of buckets; a weight of 1% is 100 buckets.</summary>
    public const int Count = 10_000;

    /// <summary>The customer's bucket for <paramref name="canary"/>, 0 to 9,999.</summary>
    public static int Of(string canary, string customer) => Of(canary, customer, Count);

    /// <summary>The customer's bucket among <paramref name="count"/> buckets, salted by <paramref name="salt"/>: 0 to count - 1.</summary>
    public static int Of(string salt, string customer, int count)
    {
        ArgumentNullException.ThrowIfNull(salt);
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        // FNV-1a, 64 bit: stable across processes and platforms, cheap, and well spread for short keys.
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(salt + "\n" + customer))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }

        return (int)(hash % (ulong)count);
    }

    /// <summary>Whether the customer is on the canary at <paramref name="weightPercent"/>.</summary>
    public static bool OnCanary(string canary, string customer, double weightPercent) =>
        Of(canary, customer) < weightPercent * (Count / 100);
}
