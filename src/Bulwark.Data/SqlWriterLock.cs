namespace Bulwark.Data;

/// <summary>
/// The name of a lock that writers of one kind take inside their transaction so they run one at a time
/// (<see cref="SqlDialect.LockAsync"/>): one 64-bit key, or a 32-bit key within a 32-bit space. The two forms never
/// meet, so a store keeps the form it shipped with: a process of the old and the new version must take the same lock.
/// </summary>
public readonly record struct SqlWriterLock
{
    private SqlWriterLock(int? space, long key)
    {
        Space = space;
        Key = key;
    }

    /// <summary>The space of a two-part name, or <see langword="null"/> for a single 64-bit key.</summary>
    public int? Space { get; }

    /// <summary>The key (within <see cref="Space"/> when there is one, and then it fits 32 bits).</summary>
    public long Key { get; }

    /// <summary>A lock named by one 64-bit key.</summary>
    /// <param name="key">The key, unique among the locks that share the database.</param>
    /// <returns>The lock's name.</returns>
    public static SqlWriterLock Of(long key) => new(null, key);

    /// <summary>A lock named by a key within a space (for example one lock per shard bucket).</summary>
    /// <param name="space">The space, unique among the stores that share the database.</param>
    /// <param name="key">The key within the space.</param>
    /// <returns>The lock's name.</returns>
    public static SqlWriterLock InSpace(int space, int key) => new(space, key);
}

/// <summary>How a writer holds a <see cref="SqlWriterLock"/>.</summary>
public enum SqlWriterLockMode
{
    /// <summary>Alone: every other holder waits.</summary>
    Exclusive,

    /// <summary>Beside other shared holders; only an exclusive holder waits (and is waited for).</summary>
    Shared,
}
