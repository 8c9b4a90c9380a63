using System.Collections.Concurrent;
using System.Threading.Channels;
using Bulwark.Messaging.Transport;

namespace Bulwark.Sqlite.Messaging;

/// <summary>One poller leases up to the prefetch count; workers handle deliveries in parallel.</summary>
internal sealed class SqliteConsumer(SqliteMessageTransport transport, ConsumerEndpoint endpoint, Func<TransportDelivery, CancellationToken, Task> onDelivery) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _credits = new(endpoint.Prefetch, endpoint.Prefetch);
    private readonly Channel<SqliteDelivery> _channel = Channel.CreateUnbounded<SqliteDelivery>();
    private readonly ConcurrentDictionary<long, SqliteDelivery> _unsettled = new();
    private readonly List<Task> _tasks = [];
    private int _disposed;

    public void Start()
    {
        _tasks.Add(Task.Run(() => PollAsync(_stop.Token)));
        for (var i = 0; i < endpoint.Concurrency; i++)
        {
            _tasks.Add(Task.Run(() => WorkAsync(_stop.Token)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _channel.Writer.TryComplete();
        try
        {
            // A handler that ignores cancellation must not hang shutdown; its lease simply expires.
            await Task.WhenAll(_tasks).WaitAsync(TimeSpan.FromSeconds(10), transport.TimeProvider).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            // Stopping.
        }

        // Deliveries that were never settled go back now instead of waiting for their lease to expire.
        foreach (var delivery in _unsettled.Values)
        {
            try
            {
                await delivery.ReleaseAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // The transport is gone; the lease expires on its own.
            }
        }

        transport.Forget(this);
        _stop.Dispose();
        _credits.Dispose();
    }

    private async Task PollAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _credits.WaitAsync(stop).ConfigureAwait(false);
                var wanted = 1;
                while (wanted < endpoint.Prefetch && _credits.Wait(0, CancellationToken.None))
                {
                    wanted++;
                }

                IReadOnlyList<SqliteDelivery> batch;
                try
                {
                    batch = await transport.LeaseAsync(endpoint.Queue, wanted, stop).ConfigureAwait(false);
                }
                catch
                {
                    _credits.Release(wanted);
                    throw;
                }

                if (batch.Count < wanted)
                {
                    _credits.Release(wanted - batch.Count);
                }

                foreach (var delivery in batch)
                {
                    _unsettled[delivery.Sequence] = delivery;
                    _channel.Writer.TryWrite(delivery);
                }

                if (batch.Count == 0)
                {
                    await transport.WaitForWorkAsync(endpoint.Queue, stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or ObjectDisposedException or InvalidOperationException)
            {
                transport.LogConsumerFault(endpoint.Queue, e);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), transport.TimeProvider, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task WorkAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var delivery in _channel.Reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                try
                {
                    await onDelivery(delivery, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or ObjectDisposedException or InvalidOperationException)
                {
                    // Settling failed; the lease expires and the message is delivered again.
                    transport.LogConsumerFault(endpoint.Queue, e);
                }
                finally
                {
                    if (delivery.Settled)
                    {
                        _unsettled.TryRemove(delivery.Sequence, out _);
                    }

                    _credits.Release();
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
