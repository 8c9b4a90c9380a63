using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Bulwark.Messaging;
using Bulwark.Messaging.Contracts;
using Bulwark.Messaging.Serialization;
using Bulwark.Messaging.Subscriptions;
using Bulwark.RabbitMQ.Messaging;
using Bulwark.Testing;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Bulwark.RabbitMQ.Tests.Messaging;

/// <summary>The connection drops (every socket cut by a proxy); the transport reconnects and its consumer resumes.</summary>
public sealed class ConnectionRecoveryTests : IAsyncDisposable
{
    private readonly string _prefix = "rec" + Guid.NewGuid().ToString("N")[..10];
    private readonly CuttingProxy _proxy = new(RealServers.RabbitMqUri.Host, RealServers.RabbitMqUri.Port > 0 ? RealServers.RabbitMqUri.Port : 5672);
    private ServiceProvider? _node;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConnectionCut_TransportRecovers_AndTheConsumerKeepsReceiving()
    {
        await RealServers.RequireAsync(RealServer.RabbitMq);
        var services = new ServiceCollection();
        services.AddBulwarkMessaging()
            .AddMessageType<Ping>("recovery.ping.v1")
            .UseRabbitMq(o =>
            {
                o.ConnectionUri = new UriBuilder(RealServers.RabbitMqUri) { Host = "127.0.0.1", Port = _proxy.Port }.Uri;
                o.Exchange = _prefix + ".topics";
                o.DeadLetterQueue = _prefix + ".dlq";
            });
        _node = services.BuildServiceProvider();
        var bus = _node.GetRequiredService<IMessageBus>();
        var received = new ConcurrentBag<int>();
        await bus.SubscribeAsync(SubscriptionDefinition.Create(_prefix + ".work", s => s.Handle<Ping>((m, _, _) =>
        {
            received.Add(m.Number);
            return Task.CompletedTask;
        })), Ct);
        await bus.SendAsync(_prefix + ".work", new Ping(1), cancellationToken: Ct);
        await Eventually.TrueAsync(() => received.Contains(1), "the message before the cut");

        _proxy.CutAll();

        // Publishing fails while the connection is down; once recovery reconnects, it succeeds again.
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    await bus.SendAsync(_prefix + ".work", new Ping(2), cancellationToken: Ct);
                    return true;
                }
                catch (Exception e) when (e is global::RabbitMQ.Client.Exceptions.AlreadyClosedException or global::RabbitMQ.Client.Exceptions.OperationInterruptedException or IOException or global::RabbitMQ.Client.Exceptions.PublishException)
                {
                    return false;
                }
            },
            "a publish after recovery",
            TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => received.Contains(2), "the recovered consumer to receive the message sent after the cut", TimeSpan.FromSeconds(30));
        Assert.True(_proxy.Accepted >= 2, "the transport never reconnected");
    }

    public async ValueTask DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        _proxy.Dispose();
        try
        {
            await using var connection = await new ConnectionFactory { Uri = RealServers.RabbitMqUri }.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            await channel.QueueDeleteAsync(_prefix + ".work", false, false);
            await channel.QueueDeleteAsync(_prefix + ".dlq", false, false);
        }
        catch (Exception e) when (e is global::RabbitMQ.Client.Exceptions.BrokerUnreachableException)
        {
            // Nothing to clean up: the broker is not there.
        }
    }

    /// <summary>A loopback TCP forwarder that can cut every connection at once, like a network blip.</summary>
    private sealed class CuttingProxy : IDisposable
    {
        private readonly TcpListener _listener;
        private readonly string _targetHost;
        private readonly int _targetPort;
        private readonly ConcurrentBag<TcpClient> _sockets = [];
        private readonly CancellationTokenSource _stop = new();
        private int _accepted;

        public CuttingProxy(string targetHost, int targetPort)
        {
            _targetHost = targetHost;
            _targetPort = targetPort;
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            _ = AcceptLoopAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Accepted => Volatile.Read(ref _accepted);

        public void CutAll()
        {
            while (_sockets.TryTake(out var socket))
            {
                try
                {
                    // RST instead of FIN: the client sees a broken connection, not a polite close.
                    socket.Client?.LingerState = new LingerOption(true, 0);
                }
                catch (ObjectDisposedException)
                {
                }

                socket.Dispose();
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            CutAll();
            _stop.Dispose();
        }

        private async Task AcceptLoopAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    Interlocked.Increment(ref _accepted);
                    var upstream = new TcpClient();
                    await upstream.ConnectAsync(_targetHost, _targetPort, _stop.Token);
                    _sockets.Add(client);
                    _sockets.Add(upstream);
                    _ = PumpAsync(client, upstream);
                    _ = PumpAsync(upstream, client);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // Stopped.
            }
        }

        private static async Task PumpAsync(TcpClient from, TcpClient to)
        {
            try
            {
                await from.GetStream().CopyToAsync(to.GetStream());
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException or InvalidOperationException)
            {
                // The other side was cut.
            }
            finally
            {
                from.Dispose();
                to.Dispose();
            }
        }
    }
}
