using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Outbox;

/// <summary>
/// An outbox store a process relays besides its own: one per database whose business writes enqueue into their own
/// outbox table (a shard's orders and their events commit together on that shard).
/// </summary>
/// <param name="Name">The <c>store</c> tag of the relay's metrics and logs; unique among the relayed stores.</param>
/// <param name="Store">The store.</param>
public sealed record NamedOutboxStore(string Name, IOutboxStore Store);

/// <summary>
/// Runs one <see cref="OutboxRelay"/> per <see cref="NamedOutboxStore"/>, started and stopped with the host. Each store is
/// drained by its own relay only, so a message is relayed once (at least once, as every relay) and never by two relays
/// over two stores. The stores are checked at start: names non-empty, unique, and not the default relay's
/// (<see cref="OutboxRelay.DefaultStoreName"/>). Registered by <see cref="OutboxServiceCollectionExtensions.WithStoreRelays"/>.
/// </summary>
public sealed class OutboxStoreRelays : IHostedService, IDisposable
{
    private readonly IReadOnlyList<OutboxRelay> _relays;

    /// <summary>Creates a relay per store; does no I/O.</summary>
    /// <param name="stores">The stores.</param>
    /// <param name="transport">Where every relay publishes.</param>
    /// <param name="options">The relays' options (shared).</param>
    /// <param name="timeProvider">The relays' clock.</param>
    /// <param name="logger">The relays' logger.</param>
    /// <param name="meterFactory">Creates the <c>Bulwark.Outbox</c> meter.</param>
    /// <exception cref="ArgumentException">A name is empty, repeated, or the default relay's.</exception>
    public OutboxStoreRelays(
        IEnumerable<NamedOutboxStore> stores,
        IOutboxTransport transport,
        IOptions<OutboxRelayOptions> options,
        TimeProvider timeProvider,
        ILogger<OutboxRelay> logger,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(stores);
        var list = stores.ToArray();
        Validate(list);
        _relays = [.. list.Select(s => new OutboxRelay(s.Store, s.Name, transport, options, timeProvider, logger, meterFactory))];
    }

    /// <summary>The relays, one per store, in the order given.</summary>
    public IReadOnlyList<OutboxRelay> Relays => _relays;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var relay in _relays)
        {
            await relay.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(_relays.Select(r => r.StopAsync(cancellationToken))).ConfigureAwait(false);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var relay in _relays)
        {
            relay.Dispose();
        }
    }

    private static void Validate(NamedOutboxStore[] stores)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < stores.Length; i++)
        {
            var store = stores[i] ?? throw new ArgumentException($"Relayed outbox store {i} is null.", nameof(stores));
            if (string.IsNullOrWhiteSpace(store.Name))
            {
                throw new ArgumentException($"Relayed outbox store {i} has no name; name each store (e.g. its shard) so its metrics can be told apart.", nameof(stores));
            }

            if (store.Name == OutboxRelay.DefaultStoreName)
            {
                throw new ArgumentException($"Relayed outbox store {i} is named '{OutboxRelay.DefaultStoreName}', the name of the application's own relay; choose another name.", nameof(stores));
            }

            if (!seen.Add(store.Name))
            {
                throw new ArgumentException($"Two relayed outbox stores are named '{store.Name}'; a store is relayed by one relay only, under a unique name.", nameof(stores));
            }

            ArgumentNullException.ThrowIfNull(store.Store);
        }
    }
}
