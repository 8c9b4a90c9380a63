namespace Bulwark.Messaging;

/// <summary>Whether a message goes to every subscription of a topic or to one queue.</summary>
public enum MessageDestinationKind
{
    /// <summary>Fan-out to every subscription bound to the topic.</summary>
    Topic,

    /// <summary>Point to point: one queue, competing consumers.</summary>
    Queue,
}

/// <summary>Where a message is delivered; <see cref="ToString"/> and <see cref="Parse"/> round-trip (e.g. for an outbox row).</summary>
/// <param name="Kind">Topic or queue.</param>
/// <param name="Name">The topic or queue name.</param>
public readonly record struct MessageDestination(MessageDestinationKind Kind, string Name)
{
    /// <summary>A topic destination.</summary>
    /// <param name="name">The topic name.</param>
    /// <returns>The destination.</returns>
    public static MessageDestination Topic(string name) => new(MessageDestinationKind.Topic, Validate(name));

    /// <summary>A queue destination.</summary>
    /// <param name="name">The queue name.</param>
    /// <returns>The destination.</returns>
    public static MessageDestination Queue(string name) => new(MessageDestinationKind.Queue, Validate(name));

    /// <summary>Parses <c>topic:name</c> or <c>queue:name</c>.</summary>
    /// <param name="value">The text form.</param>
    /// <returns>The destination.</returns>
    /// <exception cref="FormatException">The text is neither form.</exception>
    public static MessageDestination Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.StartsWith("topic:", StringComparison.Ordinal))
        {
            return Topic(value[6..]);
        }

        if (value.StartsWith("queue:", StringComparison.Ordinal))
        {
            return Queue(value[6..]);
        }

        throw new FormatException($"'{value}' is not a message destination; expected 'topic:<name>' or 'queue:<name>'.");
    }

    /// <inheritdoc/>
    public override string ToString() => (Kind == MessageDestinationKind.Topic ? "topic:" : "queue:") + Name;

    private static string Validate(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return name;
    }
}
