namespace Bulwark.Outbox;

/// <summary>Optional settings of one enqueued message.</summary>
public sealed class OutboxEnqueueOptions
{
    /// <summary>The message id consumers dedupe on.</summary>
    /// <value>The default value is a new version-7 GUID.</value>
    public Guid? MessageId { get; init; }

    /// <summary>The MIME type of the payload.</summary>
    /// <value>The default value is <c>application/json</c>.</value>
    public string ContentType { get; init; } = "application/json";

    /// <summary>Transport headers stored with the message.</summary>
    /// <value>The default value is no headers.</value>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}
