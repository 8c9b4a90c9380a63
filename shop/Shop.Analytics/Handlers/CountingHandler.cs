using Bulwark.Idempotency;
using Bulwark.Messaging.Subscriptions;
using Shop.Analytics.Data;
using Shop.Infrastructure.Messaging;

namespace Shop.Analytics.Handlers;

/// <summary>Counts events per wire type; a duplicate delivery is skipped by the inbox, so counts are exact.</summary>
internal sealed class CountingHandler<TMessage>(AnalyticsDatabase db, IInbox inbox) : IMessageHandler<TMessage>
{
    public Task HandleAsync(TMessage message, MessageContext context, CancellationToken cancellationToken) =>
        db.Database.HandleOnceAsync(inbox, AnalyticsModule.SubscriptionName, context,
            (_, tx) => tx.ExecuteAsync(
                "INSERT INTO analytics_counters (event_type, count) VALUES ($t, 1) ON CONFLICT (event_type) DO UPDATE SET count = count + 1;",
                cancellationToken, ("$t", context.Envelope.MessageType)),
            cancellationToken);
}
