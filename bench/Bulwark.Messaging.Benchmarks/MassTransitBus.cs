using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Messaging.Benchmarks;

/// <summary>
/// A MassTransit bus on the same broker doing the same work as the other variants: a durable quorum queue, prefetch
/// 32, publisher confirms (MassTransit's default), a delegate handler. Consume topology is off because messages are
/// sent straight to the queue, so no shared message-type exchange is left behind; the queue and its same-named
/// exchange carry the caller's unique name and the caller deletes them. Callers send to <c>exchange:{queue}</c>, not
/// <c>queue:{queue}</c>: the latter re-declares the queue as classic and the broker rejects the mismatch with the
/// quorum queue (PRECONDITION_FAILED), which stalls the send.
/// </summary>
internal static class MassTransitBus
{
    public static (ServiceProvider Provider, IBusControl Bus) Create(Uri broker, string queue, int concurrency, Action handled) =>
        Create(broker, queue, concurrency, _ => handled());

    public static (ServiceProvider Provider, IBusControl Bus) Create(Uri broker, string queue, int concurrency, Action<Ping> handled)
    {
        var services = new ServiceCollection();
        services.AddMassTransit(x => x.UsingRabbitMq((_, cfg) =>
        {
            cfg.Host(broker);
            cfg.ReceiveEndpoint(queue, e =>
            {
                e.ConfigureConsumeTopology = false;
                e.SetQuorumQueue();
                e.PrefetchCount = 32;
                e.ConcurrentMessageLimit = concurrency;
                e.Handler<Ping>(context =>
                {
                    handled(context.Message);
                    return Task.CompletedTask;
                });
            });
        }));
        var provider = services.BuildServiceProvider();
        return (provider, provider.GetRequiredService<IBusControl>());
    }
}
