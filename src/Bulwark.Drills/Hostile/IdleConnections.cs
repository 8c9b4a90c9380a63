using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.Hostile;

/// <summary>
/// Idle TCP connections to a loopback target, opened from a second loopback address (127.0.0.2) when the target is on
/// IPv4, so a per-address connection cap can tell them from the customers the drill probes from 127.0.0.1.
/// </summary>
internal sealed class IdleConnections : IDisposable
{
    private readonly ConcurrentBag<Socket> _sockets;

    private IdleConnections(ConcurrentBag<Socket> sockets, string sourceAddress)
    {
        _sockets = sockets;
        SourceAddress = sourceAddress;
    }

    /// <summary>How many connections opened.</summary>
    public int Opened => _sockets.Count;

    /// <summary>The local address they came from.</summary>
    public string SourceAddress { get; }

    /// <summary>
    /// Opens up to <paramref name="count"/> connections, <paramref name="concurrency"/> at a time, for at most
    /// <paramref name="openFor"/>; connections refused or not open in time are not retried.
    /// </summary>
    public static async Task<IdleConnections> OpenAsync(Uri target, int count, int concurrency, TimeSpan openFor, TimeProvider time, CancellationToken cancellationToken)
    {
        var address = await ResolveAsync(target, cancellationToken).ConfigureAwait(false);
        var endPoint = LoopbackTarget.Ensure(new IPEndPoint(address, target.Port));
        IPAddress? source = null;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            source = address.Equals(IPAddress.Parse("127.0.0.2")) ? IPAddress.Parse("127.0.0.3") : IPAddress.Parse("127.0.0.2");
        }

        var sockets = new ConcurrentBag<Socket>();
        using var deadline = new CancellationTokenSource(openFor, time);
        using var opening = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, count),
                new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = opening.Token },
                async (_, ct) =>
                {
                    var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                    try
                    {
                        if (source is not null)
                        {
                            socket.Bind(new IPEndPoint(source, 0));
                        }

                        await socket.ConnectAsync(endPoint, ct).ConfigureAwait(false);
                        sockets.Add(socket);
                    }
                    catch (SocketException)
                    {
                        // Refused or out of ports: the server's cap, or this machine's; either way, not open.
                        socket.Dispose();
                    }
                    catch (OperationCanceledException)
                    {
                        socket.Dispose();
                        throw;
                    }
                }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Out of time: judge with what opened.
        }

        return new IdleConnections(sockets, (source ?? address).ToString());
    }

    /// <summary>How many of the open connections the server has closed (readable with nothing to read).</summary>
    public int CountClosedByServer() => _sockets.Count(s =>
    {
        try
        {
            return s.Poll(0, SelectMode.SelectRead) && s.Available == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    });

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }

    private static async Task<IPAddress> ResolveAsync(Uri target, CancellationToken cancellationToken)
    {
        var host = target.Host.Trim('[', ']');
        if (IPAddress.TryParse(host, out var literal))
        {
            return literal;
        }

        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        return addresses.Where(LoopbackTarget.IsLoopback).OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).FirstOrDefault()
            ?? throw new NonLoopbackTargetException(target.ToString());
    }
}
