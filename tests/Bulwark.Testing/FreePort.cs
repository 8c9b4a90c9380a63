using System.Net;
using System.Net.Sockets;

namespace Bulwark.Testing;

/// <summary>Loopback ports for servers a test starts itself.</summary>
public static class FreePort
{
    /// <summary>Returns a TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
