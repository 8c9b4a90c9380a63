using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Limits;

/// <summary>
/// Counts open connections per client address in Kestrel's connection pipeline and closes one over the cap before a byte
/// of HTTP is read, so idle sockets from one address cannot use up the server's connection slots or file descriptors.
/// </summary>
internal sealed partial class ClientConnectionLimiter
{
    // Guards _open; every member that touches it takes the lock (accepts are rare next to requests, so one lock is cheap).
    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, Client> _open = [];
    private readonly int _maxPerClient;
    private readonly HashSet<IPAddress> _exempt;
    private readonly ILogger _logger;
    private readonly Counter<long> _refused;

    public ClientConnectionLimiter(IOptions<ConnectionLimitsOptions> options, IMeterFactory meterFactory, ILogger<ClientConnectionLimiter> logger)
    {
        _maxPerClient = options.Value.MaxConnectionsPerClient;
        _exempt = options.Value.ExemptAddresses.Select(a => Normalize(IPAddress.Parse(a))).ToHashSet();
        _logger = logger;
        _refused = meterFactory.Create("Bulwark.Limits")
            .CreateCounter<long>("bulwark.limits.connections_refused", "{connection}", "Connections closed on accept because their client already held the most allowed.");
    }

    /// <summary>The Kestrel connection middleware: counts the connection for its whole life, or closes it at once.</summary>
    public ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        if (_maxPerClient == 0 || connection.RemoteEndPoint is not IPEndPoint remote || _exempt.Contains(Normalize(remote.Address)))
        {
            await next(connection).ConfigureAwait(false);
            return;
        }

        var client = ClientOf(remote.Address);
        if (!TryAcquire(client))
        {
            _refused.Add(1);
            connection.Abort(new ConnectionAbortedException($"The client already holds {_maxPerClient} connections."));
            return;
        }

        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            Release(client);
        }
    };

    private bool TryAcquire(IPAddress address)
    {
        lock (_lock)
        {
            if (!_open.TryGetValue(address, out var client))
            {
                _open[address] = new Client { Open = 1 };
                return true;
            }

            if (client.Open < _maxPerClient)
            {
                client.Open++;
                return true;
            }

            // Logged once per episode (until the client's connections drop to zero), not per refused connection.
            if (!client.Refusing)
            {
                client.Refusing = true;
                LogCapReached(_logger, address, _maxPerClient);
            }

            return false;
        }
    }

    private void Release(IPAddress address)
    {
        lock (_lock)
        {
            // Entries live only while connections are open, so the map is bounded by the open connections.
            if (_open.TryGetValue(address, out var client) && --client.Open == 0)
            {
                _open.Remove(address);
            }
        }
    }

    private static IPAddress ClientOf(IPAddress address)
    {
        address = Normalize(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        // One IPv6 subscriber usually holds a whole /64: counting single addresses would let it open 2^64 times the cap.
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private sealed class Client
    {
        public int Open { get; set; }

        public bool Refusing { get; set; }
    }

    [LoggerMessage(EventId = 1600, Level = LogLevel.Warning, Message = "Client {Client} holds {Max} connections; closing its further connections until some close")]
    private static partial void LogCapReached(ILogger logger, IPAddress client, int max);
}
