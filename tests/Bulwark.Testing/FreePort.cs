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

    private static Socket BindWithoutListening()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }
}
