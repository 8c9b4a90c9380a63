using Bulwark.Messaging.Subscriptions;
using Microsoft.Extensions.Hosting;

namespace Bulwark.Messaging.Bus;

/// <summary>Starts every subscription added with <c>AddSubscription</c> and stops them with the host.</summary>
internal sealed class MessagingHostedService(IMessageBus bus, IEnumerable<SubscriptionDefinition> subscriptions) : IHostedService
{
    private readonly List<IAsyncDisposable> _running = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var subscription in subscriptions)
        {
            _running.Add(await bus.SubscribeAsync(subscription, cancellationToken).ConfigureAwait(false));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var running in _running)
        {
            await running.DisposeAsync().ConfigureAwait(false);
        }

        _running.Clear();
    }
}
