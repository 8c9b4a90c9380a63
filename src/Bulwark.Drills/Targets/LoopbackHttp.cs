using System.Net;
using System.Net.Sockets;

namespace Bulwark.Drills.Targets;

/// <summary>
/// HTTP clients that can only reach loopback: the host is checked before any DNS lookup, every resolved address is
/// checked again at connect time, redirects are not followed and no system proxy is used.
/// </summary>
public static class LoopbackHttp
{
    /// <summary>Creates a handler whose connections can only go to loopback addresses.</summary>
    /// <param name="connectTimeout">How long a TCP connect may take.</param>
    /// <param name="maxConnectionsPerServer">The connection pool's size per endpoint.</param>
    public static SocketsHttpHandler CreateHandler(TimeSpan connectTimeout, int maxConnectionsPerServer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(connectTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnectionsPerServer, 1);
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = connectTimeout,
            MaxConnectionsPerServer = maxConnectionsPerServer,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = ConnectAsync,
        };
    }

    /// <summary>Creates a client on <see cref="CreateHandler"/> with <paramref name="baseAddress"/> checked to be loopback.</summary>
    /// <exception cref="NonLoopbackTargetException">The base address is not on loopback.</exception>
    public static HttpClient CreateClient(Uri baseAddress, TimeSpan timeout) =>
        CreateClient(baseAddress, timeout, new Dictionary<string, string>());

    /// <summary>
    /// Creates a client as <see cref="CreateClient(Uri, TimeSpan)"/> does that sends <paramref name="headers"/> with every
    /// request (a request that sets one of them itself keeps its own), over at most
    /// <paramref name="maxConnectionsPerServer"/> connections.
    /// </summary>
    /// <exception cref="NonLoopbackTargetException">The base address is not on loopback.</exception>
    public static HttpClient CreateClient(Uri baseAddress, TimeSpan timeout, IReadOnlyDictionary<string, string> headers, int maxConnectionsPerServer = 16)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(headers);
        LoopbackTarget.Ensure(baseAddress);
        var client = new HttpClient(CreateHandler(timeout, maxConnectionsPerServer), disposeHandler: true)
        {
            BaseAddress = baseAddress,
            Timeout = timeout,
        };
        foreach (var (name, value) in headers)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
        }

        return client;
    }

    /// <summary>Connects a TCP socket to a loopback endpoint only.</summary>
    /// <exception cref="NonLoopbackTargetException">The host is not on loopback.</exception>
    public static async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (!LoopbackTarget.IsLoopbackHost(host))
        {
            throw new NonLoopbackTargetException($"{host}:{port}");
        }

        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var loopback = addresses.Where(LoopbackTarget.IsLoopback).ToArray();
        if (loopback.Length == 0)
        {
            throw new NonLoopbackTargetException($"{host}:{port}");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(loopback, port, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        try
        {
            var socket = await ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException e)
        {
            // A connection reset while connecting can surface as a bare SocketException; callers (and the load
            // generator's classification) expect HttpClient's own connection error.
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"Could not connect to {context.DnsEndPoint}: {e.Message}", e);
        }
    }
}
