namespace Bulwark.Messaging.Transport;

/// <summary>A queue a consumer reads, the topics bound to it, and its flow control.</summary>
/// <param name="Queue">The queue (for a topic subscription: the subscription name).</param>
/// <param name="Topics">Topics whose messages are copied into the queue.</param>
/// <param name="Prefetch">How many unsettled deliveries the consumer may hold.</param>
/// <param name="Concurrency">How many deliveries are handled in parallel.</param>
public sealed record ConsumerEndpoint(string Queue, IReadOnlyList<string> Topics, int Prefetch, int Concurrency);
