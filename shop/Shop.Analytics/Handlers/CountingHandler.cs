using Bulwark.Idempotency;
using Bulwark.Messaging.Subscriptions;
using Shop.Infrastructure.Messaging;
using Shop.Infrastructure.Data;

namespace Shop.Analytics.Handlers;

/// <summary>Counts events per wire type; a duplicate delivery is skipped by the inbox, so counts are exact.</summary>
internal sealed class CountingHandler<TMessage>(ModuleDatabase<AnalyticsModule> db, IInbox inbox) : IMessageHandler<TMessage>
{
    public Task HandleAsync(TMessage message, MessageContext context, CancellationToken cancellationToken) =>
        db.HandleOnceAsync(inbox, AnalyticsModule.SubscriptionName, context,
            tx => tx.ExecuteAsync(
                "INSERT INTO analytics_counters (event_type, count) VALUES (@t, 1) ON CONFLICT (event_type) DO UPDATE SET count = analytics_counters.count + 1;",
                cancellationToken, ("t", context.Envelope.MessageType)),
            cancellationToken);
}
