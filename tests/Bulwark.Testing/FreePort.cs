using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Bulwark.Testing;

/// <summary>Loopback ports for servers a test starts itself, and one that is never served.</summary>
/// <remarks>
/// Prefer binding port 0 and reading the bound port back (Kestrel: <c>--urls=http://127.0.0.1:0</c>, then
/// <c>app.Urls</c>): nothing can take the port in between. <see cref="Next"/> is for a server in another process that
/// must be told its port before it starts; between this call and that bind another process may still take the port.
/// </remarks>
public static class FreePort
{
    private static readonly ConcurrentDictionary<int, byte> HandedOut = new();
    private static readonly Lazy<Socket> RefusingSocket = new(BindWithoutListening);

    /// <summary>
    /// A loopback port on which every connection is refused for as long as this process runs: it is bound (so no
    /// other server can listen on it) but never listens. Point a dependency's URL here to make it reliably "down",
    /// whatever else runs on the machine (a shipped default such as 127.0.0.1:5102 may be served by anyone).
    /// </summary>
    public static int Refusing => ((IPEndPoint)RefusingSocket.Value.LocalEndPoint!).Port;

    /// <summary>
    /// Returns a TCP port on 127.0.0.1 that was free a moment ago and that this process has not handed out before
    /// (two servers of one test run never race for the same port; the operating system may reuse a just-released one).
    /// </summary>
    public static int Next()
    {
        // Below the kernel's ephemeral range first: every server bound to port 0 (in this process or a child) is given a
        // port from that range, so a port handed out here could be taken by one of them before its server binds it
        // (a CI run: the shop's stand-ins process found its port served by another test's host).
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(BelowEphemeral.Low, BelowEphemeral.High);
            if (port != Refusing && HandedOut.TryAdd(port, 0))
            {
                if (IsFree(port))
                {
                    return port;
                }
            }
        }

        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (HandedOut.TryAdd(port, 0) && port != Refusing)
            {
                return port;
            }
        }
    }

    // 20000 up to the start of the ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range, 32768 by default);
    // under 20000 live the servers a machine runs on fixed ports (Azurite 10000-10002, PostgreSQL, Redis, RabbitMQ...).
    private static readonly (int Low, int High) BelowEphemeral = (20000, Math.Max(20001, EphemeralLow()));

    private static int EphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32768;
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static Socket BindWithoutListening()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }
}
