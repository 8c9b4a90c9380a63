using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;
using Bulwark.Drills.Targets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bulwark.Drills.Proxy;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a loopback upstream whose faults change at runtime: latency, a bandwidth
/// cap, resets, a blackhole, refusing connects. It pulls the plug on dependencies that have no fault switch of their
/// own (PostgreSQL, Redis, a broker): point the service at the proxy's port instead of the real one.
/// </summary>
public sealed partial class FaultProxy : IAsyncDisposable
{
    private const int BufferSize = 16 * 1024;
    private readonly FaultProxyOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Connection> _connections = new();
    private readonly Lock _listenerLock = new();
    private TcpListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private ProxyFaults _faults = ProxyFaults.None;
    private TaskCompletionSource _changed = NewSignal();
    private long _nextId;
    private long _accepted;

    /// <summary>Creates a proxy; call <see cref="Start"/> to listen.</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    /// <exception cref="NonLoopbackTargetException">The upstream is not on loopback.</exception>
    public FaultProxy(FaultProxyOptions options, TimeProvider timeProvider, ILogger<FaultProxy>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        _options = options;
        _timeProvider = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The endpoint clients connect to (valid after <see cref="Start"/>).</summary>
    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>The faults in force.</summary>
    public ProxyFaults Faults => Volatile.Read(ref _faults);

    /// <summary>Connections accepted since the start.</summary>
    public long AcceptedConnections => Interlocked.Read(ref _accepted);

    /// <summary>Connections open now.</summary>
    public int OpenConnections => _connections.Count;

    /// <summary>Starts listening on 127.0.0.1.</summary>
    public FaultProxy Start()
    {
        lock (_listenerLock)
        {
            _listener = Listen(_options.ListenPort);
            EndPoint = (IPEndPoint)_listener.LocalEndpoint;
        }

        _acceptLoop = AcceptLoopAsync(_stopping.Token);
        LogStarted(_logger, EndPoint, _options.UpstreamHost, _options.UpstreamPort);
        return this;
    }

    /// <summary>Replaces the faults in force; resets open connections when <see cref="ProxyFaults.Reset"/> is set.</summary>
    /// <exception cref="ValidationException">A fault value is out of range.</exception>
    public void SetFaults(ProxyFaults faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        Validator.ValidateObject(faults, new ValidationContext(faults), validateAllProperties: true);
        Volatile.Write(ref _faults, faults);
        LogFaultsChanged(_logger, EndPoint, faults);
        lock (_listenerLock)
        {
            if (faults.Refuse)
            {
                _listener?.Stop();
                _listener = null;
            }
            else if (_listener is null && EndPoint.Port != 0 && !_stopping.IsCancellationRequested)
            {
                // Listen again before returning, so a restored dependency accepts connects at once.
                _listener = Listen(EndPoint.Port);
            }
        }

        if (faults.Reset)
        {
            foreach (var connection in _connections.Values)
            {
                connection.Reset();
            }
        }

        Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
    }

    /// <summary>Removes every fault: the proxy forwards untouched and listens again.</summary>
    public void ClearFaults() => SetFaults(ProxyFaults.None);

    /// <summary>Stops listening and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        lock (_listenerLock)
        {
            _listener?.Stop();
            _listener = null;
        }

        foreach (var connection in _connections.Values)
        {
            connection.Reset();
        }

        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping is the expected end of the accept loop.
        }

        _stopping.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TcpListener Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        // The same port must be reusable at once when a refuse fault is lifted.
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start(backlog: 512);
        return listener;
    }

    private async Task AcceptLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpListener? listener;
            lock (_listenerLock)
            {
                if (_listener is null && !Faults.Refuse)
                {
                    _listener = Listen(EndPoint.Port);
                }

                listener = _listener;
            }

            if (listener is null)
            {
                await WaitForChangeAsync(stopping).ConfigureAwait(false);
                continue;
            }

            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                // The listener was stopped by a refuse fault or by disposal; the loop decides what is next.
                continue;
            }

            Interlocked.Increment(ref _accepted);
            _ = HandleAsync(client, stopping);
        }

        stopping.ThrowIfCancellationRequested();
    }

    private async Task WaitForChangeAsync(CancellationToken cancellationToken) =>
        await Volatile.Read(ref _changed).Task.WaitAsync(cancellationToken).ConfigureAwait(false);

    private async Task HandleAsync(Socket client, CancellationToken stopping)
    {
        var faults = Faults;
        if (faults.Reset || _connections.Count >= _options.MaxConnections)
        {
            Connection.ResetSocket(client);
            return;
        }

        var id = Interlocked.Increment(ref _nextId);
        using var connection = new Connection(client, stopping);
        _connections[id] = connection;
        try
        {
            if (faults.Blackhole)
            {
                await DrainAsync(client, connection.Token).ConfigureAwait(false);
                return;
            }

            if (faults.ConnectLatencyMs > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(faults.ConnectLatencyMs), _timeProvider, connection.Token).ConfigureAwait(false);
            }

            connection.Upstream = await LoopbackHttp.ConnectAsync(_options.UpstreamHost, _options.UpstreamPort, connection.Token).ConfigureAwait(false);
            var up = PumpAsync(client, connection.Upstream, connection.Token);
            var down = PumpAsync(connection.Upstream, client, connection.Token);
            await Task.WhenAll(up, down).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // A reset, a refused upstream or shutdown: both sides are torn down below, which is what the fault means.
            LogConnectionEnded(_logger, id, e);
            connection.Reset();
        }
        finally
        {
            _connections.TryRemove(id, out _);
        }
    }

    private static async Task DrainAsync(Socket client, CancellationToken cancellationToken)
    {
        // Read and discard so the client's sends succeed; it waits for an answer that never comes.
        var buffer = new byte[BufferSize];
        while (await client.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false) > 0)
        {
        }
    }

    private async Task PumpAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        while (true)
        {
            var read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                to.Shutdown(SocketShutdown.Send);
                return;
            }

            var faults = Faults;
            while (faults.Blackhole)
            {
                // Hold the bytes: nothing moves until the blackhole is lifted (or the connection is reset).
                await WaitForChangeAsync(cancellationToken).ConfigureAwait(false);
                faults = Faults;
            }

            if (faults.LatencyMs > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(faults.LatencyMs), _timeProvider, cancellationToken).ConfigureAwait(false);
            }

            await SendAsync(to, buffer.AsMemory(0, read), faults.BytesPerSecond, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SendAsync(Socket to, ReadOnlyMemory<byte> data, int bytesPerSecond, CancellationToken cancellationToken)
    {
        // Ten slices a second keeps a bandwidth cap smooth instead of one burst and a long pause.
        var slice = bytesPerSecond > 0 ? Math.Max(1, bytesPerSecond / 10) : data.Length;
        for (var offset = 0; offset < data.Length;)
        {
            var length = Math.Min(slice, data.Length - offset);
            if (bytesPerSecond > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)length / bytesPerSecond), _timeProvider, cancellationToken).ConfigureAwait(false);
            }

            offset += await to.SendAsync(data.Slice(offset, length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class Connection(Socket client, CancellationToken stopping) : IDisposable
    {
        private readonly CancellationTokenSource _cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);

        public Socket? Upstream { get; set; }

        public CancellationToken Token => _cts.Token;

        public static void ResetSocket(Socket socket)
        {
            try
            {
                // Linger 0 turns close into an RST: the peer sees "connection reset", not a clean end.
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
            catch (ObjectDisposedException)
            {
                // Already closed by the other side of the pump.
            }
        }

        public void Reset()
        {
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The connection already ended.
            }

            ResetSocket(client);
            if (Upstream is { } upstream)
            {
                ResetSocket(upstream);
            }
        }

        public void Dispose()
        {
            client.Dispose();
            Upstream?.Dispose();
            _cts.Dispose();
        }
    }
}
