using System.Collections.Concurrent;

namespace Bulwark.Edge.Strangler;

/// <summary>Every strangled route's runtime state, kept across configuration reloads.</summary>
internal sealed class StranglerTable(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, StranglerRouteState> _routes = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>When the edge began counting; the Zombie check never calls a route dead before a whole window passed.</summary>
    public DateTimeOffset ObservedSince { get; } = timeProvider.GetUtcNow();

    public StranglerRouteState? Find(string name) => _routes.GetValueOrDefault(name);

    public IEnumerable<StranglerRouteState> Routes => _routes.Values.OrderBy(r => r.Name, StringComparer.Ordinal);

    /// <summary>Adds new routes, reconfigures kept ones (their counts survive) and drops removed ones.</summary>
    public void Apply(StranglerOptions options)
    {
        foreach (var (name, route) in options.Routes)
        {
            _routes.AddOrUpdate(name, n => new StranglerRouteState(n, route), (_, state) =>
            {
                state.Reconfigure(route);
                return state;
            });
        }

        foreach (var name in _routes.Keys.Where(n => !options.Routes.ContainsKey(n)).ToList())
        {
            _routes.TryRemove(name, out _);
        }
    }
}
