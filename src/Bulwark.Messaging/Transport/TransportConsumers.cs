namespace Bulwark.Messaging.Transport;

/// <summary>
/// The consumers a transport has started: it refuses new ones once the transport is disposed and stops every one
/// exactly once, so each transport shuts down the same way.
/// </summary>
/// <typeparam name="TConsumer">The transport's consumer.</typeparam>
public sealed class TransportConsumers<TConsumer>
    where TConsumer : class, IAsyncDisposable
{
    private readonly List<TConsumer> _consumers = [];
    private volatile bool _disposed;

    /// <summary>Whether <see cref="DisposeAllAsync"/> has begun: the transport is shutting down.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Keeps <paramref name="consumer"/> until it is forgotten or the transport is disposed.</summary>
    /// <param name="consumer">The consumer.</param>
    /// <param name="transport">The transport, named in the exception once it is disposed.</param>
    /// <exception cref="ObjectDisposedException">The transport is disposed.</exception>
    public void Add(TConsumer consumer, object transport)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        lock (_consumers)
        {
            ObjectDisposedException.ThrowIf(_disposed, transport);
            _consumers.Add(consumer);
        }
    }

    /// <summary>Forgets a consumer that stopped on its own.</summary>
    /// <param name="consumer">The consumer.</param>
    public void Forget(TConsumer consumer)
    {
        lock (_consumers)
        {
            _consumers.Remove(consumer);
        }
    }

    /// <summary>Refuses new consumers and disposes every one started.</summary>
    /// <returns><see langword="false"/> when an earlier call already did (the transport's own disposal then has nothing left to do).</returns>
    public async ValueTask<bool> DisposeAllAsync()
    {
        TConsumer[] consumers;
        lock (_consumers)
        {
            if (_disposed)
            {
                return false;
            }

            _disposed = true;
            consumers = [.. _consumers];
        }

        foreach (var consumer in consumers)
        {
            await consumer.DisposeAsync().ConfigureAwait(false);
        }

        return true;
    }
}
