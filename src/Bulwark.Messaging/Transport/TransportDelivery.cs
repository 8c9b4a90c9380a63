namespace Bulwark.Messaging.Transport;

/// <summary>One delivery of a message, settled exactly once by the bus: ack, retry later, or dead-letter.</summary>
public abstract class TransportDelivery
{
    /// <summary>The message; <see cref="MessageEnvelope.Attempt"/> is this delivery's 1-based attempt number.</summary>
    public abstract MessageEnvelope Envelope { get; }

    /// <summary>The queue it was delivered from.</summary>
    public abstract string Queue { get; }

    /// <summary>Removes the message: it was handled.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when settled.</returns>
    public abstract Task AckAsync(CancellationToken cancellationToken);

    /// <summary>Makes the message visible again after <paramref name="delay"/>, counting the attempt.</summary>
    /// <param name="delay">The backoff delay.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when settled.</returns>
    public abstract Task RetryAsync(TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>Moves the message to the dead-letter queue with why it failed.</summary>
    /// <param name="reason">The failure details.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when settled.</returns>
    public abstract Task DeadLetterAsync(DeadLetterReason reason, CancellationToken cancellationToken);
}
