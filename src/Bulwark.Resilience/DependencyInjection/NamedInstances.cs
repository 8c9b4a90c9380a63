using System.Collections.Concurrent;

namespace Bulwark.Resilience.DependencyInjection;

/// <summary>
/// One instance per name, built on first use and shared by every caller after: what each registry (breakers,
/// compartments, retry budgets) keeps, so "one name, one instance" holds the same way for all of them.
/// </summary>
/// <typeparam name="T">The named instance.</typeparam>
/// <param name="create">Builds the instance for a name (from that name's options).</param>
internal sealed class NamedInstances<T>(Func<string, T> create)
    where T : class
{
    private readonly ConcurrentDictionary<string, T> _byName = new(StringComparer.Ordinal);
    private readonly Lock _building = new();

    /// <summary>The instances built so far.</summary>
    public ICollection<T> All => _byName.Values;

    /// <summary>The instance called <paramref name="name"/>, built on first use.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The shared instance.</returns>
    public T Get(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_byName.TryGetValue(name, out var existing))
        {
            return existing;
        }

        // GetOrAdd alone may build on several racing threads and keep one; a breaker built twice would have
        // reported its creation (and registered its callbacks) twice. Building is rare, so it takes a lock.
        lock (_building)
        {
            return _byName.GetOrAdd(name, create);
        }
    }
}
