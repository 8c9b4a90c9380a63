using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Bulwark.Messaging.Diagnostics;

/// <summary>The <c>Bulwark.Messaging</c> meter and activity source.</summary>
public sealed class MessagingMetrics
{
    /// <summary>The meter and activity source name.</summary>
    public const string Name = "Bulwark.Messaging";

    /// <summary>The gauge of messages in the dead-letter queue; alert when it is above zero.</summary>
    public const string DeadLetterDepthInstrument = "bulwark.messaging.dead_letter.depth";

    /// <summary>The counter of settled deliveries, tagged by queue and outcome (acked, retried, dead_lettered).</summary>
    public const string DeliveriesInstrument = "bulwark.messaging.deliveries";

    internal static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> _deliveries;
    private long _deadLetterDepth;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    /// <param name="meterFactory">The meter factory.</param>
    public MessagingMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(Name);
        _deliveries = meter.CreateCounter<long>(DeliveriesInstrument, unit: "{delivery}", description: "Settled message deliveries by outcome.");
        meter.CreateObservableGauge(DeadLetterDepthInstrument, () => Interlocked.Read(ref _deadLetterDepth), unit: "{message}", description: "Messages waiting in the dead-letter queue.");
    }

    internal void SetDeadLetterDepth(long depth) => Interlocked.Exchange(ref _deadLetterDepth, depth);

    internal void Delivered(string queue, string outcome) =>
        _deliveries.Add(1, new KeyValuePair<string, object?>("queue", queue), new KeyValuePair<string, object?>("outcome", outcome));
}
