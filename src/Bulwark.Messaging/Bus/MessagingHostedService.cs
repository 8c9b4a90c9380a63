using Bulwark.Messaging.Subscriptions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bulwark.Messaging.Bus;

/// <summary>Starts every subscription added with <c>AddSubscription</c> and stops them with the host.</summary>
internal sealed class MessagingHostedService(IServiceProvider services) : IHostedService
{
    private readonly List<IAsyncDisposable> _running = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var bus = services.GetRequiredService<IMessageBus>();
        foreach (var subscription in services.GetServices<SubscriptionDefinition>())
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
