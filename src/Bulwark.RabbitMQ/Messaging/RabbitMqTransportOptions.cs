using System.ComponentModel.DataAnnotations;

namespace Bulwark.RabbitMQ.Messaging;

/// <summary>The RabbitMQ transport. Bound from the <c>Bulwark:Messaging:RabbitMq</c> section.</summary>
public sealed class RabbitMqTransportOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Bulwark:Messaging:RabbitMq";

    /// <summary>The AMQP URI of the broker.</summary>
    /// <value>The default value is <c>amqp://guest:guest@localhost:5672/</c>.</value>
    [Required]
    public Uri ConnectionUri { get; set; } = new("amqp://guest:guest@localhost:5672/");

    /// <summary>The durable topic exchange every topic is a routing key on (subscriptions may bind with <c>*</c>/<c>#</c> wildcards).</summary>
    /// <value>The default value is <c>bulwark.topics</c>.</value>
    [Required]
    public string Exchange { get; set; } = "bulwark.topics";

    /// <summary>The quorum queue dead letters go to, from every queue of this bus.</summary>
    /// <value>The default value is <c>bulwark.dead-letters</c>.</value>
    [Required]
    public string DeadLetterQueue { get; set; } = "bulwark.dead-letters";

    /// <summary>
    /// The broker-side safety net: a message redelivered this many times without being settled (a handler that crashes
    /// the process every time) is dead-lettered by RabbitMQ itself (<c>x-delivery-limit</c>).
    /// </summary>
    /// <value>The default value is 20.</value>
    [Range(1, 1000)]
    public int BrokerDeliveryLimit { get; set; } = 20;

    /// <summary>The most dead letters one admin operation reads (they are held unacknowledged while it runs).</summary>
    /// <value>The default value is 10,000.</value>
    [Range(1, 1_000_000)]
    public int DeadLetterScanLimit { get; set; } = 10_000;

    /// <summary>
    /// Confirm channels publishes are spread over. Each carries many publishes awaiting their confirms at once (up to
    /// 128, throttled from 64 on), so one or two are enough; more only help when a single channel's frame writing is
    /// the bottleneck.
    /// </summary>
    /// <value>The default value is 2.</value>
    [Range(1, 64)]
    public int PublishChannels { get; set; } = 2;

    /// <summary>The connection name shown in the management UI.</summary>
    /// <value>The default value is <c>bulwark</c>.</value>
    public string ClientName { get; set; } = "bulwark";

    /// <summary>Called with each queue or exchange name the transport declares (tests use it to clean up).</summary>
    internal Action<string>? TopologyObserver { get; set; }
}
