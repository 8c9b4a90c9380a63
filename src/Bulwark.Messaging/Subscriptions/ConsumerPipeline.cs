using System.Diagnostics;
using Bulwark.Messaging.ClaimCheck;
using Bulwark.Messaging.DeadLetters;
using Bulwark.Messaging.Diagnostics;
using Bulwark.Messaging.Retries;
using Bulwark.Messaging.Serialization;
using Bulwark.Messaging.Transport;
using Bulwark.Resilience.Deadlines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bulwark.Messaging.Subscriptions;

/// <summary>
/// Handles one delivery and settles it: ack on success; on failure retry with backoff until the attempts run out,
/// or dead-letter at once when the error is permanent. The queue never blocks on a poison pill.
/// </summary>
internal sealed partial class ConsumerPipeline(
    SubscriptionDefinition subscription,
    RetryOptions retry,
    IMessageSerializer serializer,
    ClaimCheckProcessor claimCheck,
    IDeadLetterAdmin deadLetters,
    string system,
    MessagingMetrics metrics,
    IJitterSource jitter,
    TimeProvider timeProvider,
    IServiceScopeFactory scopes,
    ILogger logger)
{
    public async Task HandleAsync(TransportDelivery delivery, CancellationToken cancellationToken)
    {
        var envelope = delivery.Envelope;
        using var activity = MessageTracing.StartProcess(envelope, delivery.Queue, system);
        try
        {
            await InvokeHandlerAsync(delivery, envelope, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The consumer is stopping: leave the delivery unsettled so the transport redelivers it.
            throw;
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            await SettleFailureAsync(delivery, envelope, e, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Outside the handler's try: a failed ack is not a failed handler; the transport redelivers and the
        // idempotent handler sees a duplicate. Settling is not cancelled: the work is done, record it.
        await delivery.AckAsync(CancellationToken.None).ConfigureAwait(false);
        metrics.Delivered(delivery.Queue, "acked");
    }

    private async Task InvokeHandlerAsync(TransportDelivery delivery, MessageEnvelope envelope, CancellationToken cancellationToken)
    {
        if (envelope.Deadline is { } deadline && deadline <= timeProvider.GetUtcNow())
        {
            throw new PermanentMessageException($"Message {envelope.MessageId} missed its deadline {deadline:O}; handling it now would be useless.");
        }

        var body = await claimCheck.CheckOutAsync(envelope, cancellationToken).ConfigureAwait(false);
        var message = serializer.Deserialize(envelope, body);
        if (!subscription.Handlers.TryGetValue(message.GetType(), out var handler))
        {
            // A topic carries several types; a subscription only handles the ones it asked for.
            LogIgnored(logger, envelope.MessageId, envelope.MessageType, delivery.Queue);
            return;
        }

        // The message's deadline is the handler's ambient one (DeadlineContext): its HTTP calls carry X-Deadline and its
        // retries and timeouts size themselves to what is left, and its token is cancelled when the deadline passes.
        using var deadlineScope = envelope.Deadline is { } at ? DeadlineContext.Begin(new Deadline(at), timeProvider, cancellationToken) : null;
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            try
            {
                await handler(message, new MessageContext(envelope, delivery.Queue, scope.ServiceProvider), deadlineScope?.Token ?? cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && deadlineScope is { IsExpired: true })
            {
                // Another attempt would start after the deadline too: straight to the dead letters, saying why.
                throw new PermanentMessageException($"Message {envelope.MessageId} ran out of its deadline {envelope.Deadline:O} while being handled.", e);
            }
        }
    }

    private async Task SettleFailureAsync(TransportDelivery delivery, MessageEnvelope envelope, Exception error, CancellationToken cancellationToken)
    {
        var permanent = error is PermanentMessageException or System.ComponentModel.DataAnnotations.ValidationException;
        if (permanent || envelope.Attempt >= retry.MaxAttempts)
        {
            var reason = new DeadLetterReason(error.Message, error.GetType().FullName, error.ToString(), envelope.Attempt, permanent);
            await delivery.DeadLetterAsync(reason, CancellationToken.None).ConfigureAwait(false);
            metrics.Delivered(delivery.Queue, "dead_lettered");
            LogDeadLettered(logger, error, envelope.MessageId, envelope.MessageType, delivery.Queue, envelope.Attempt, permanent);
            try
            {
                await deadLetters.CountAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The depth monitor refreshes the gauge later; the message is already safe in the DLQ.
                LogDepthRefreshFailed(logger, e);
            }

            return;
        }

        var delay = RetryBackoff.DelayAfter(envelope.Attempt, retry, jitter);
        await delivery.RetryAsync(delay, CancellationToken.None).ConfigureAwait(false);
        metrics.Delivered(delivery.Queue, "retried");
        LogRetrying(logger, error, envelope.MessageId, envelope.MessageType, delivery.Queue, envelope.Attempt, retry.MaxAttempts, delay);
    }
}
