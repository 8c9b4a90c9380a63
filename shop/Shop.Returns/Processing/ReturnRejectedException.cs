using Bulwark.Messaging;

namespace Shop.Returns.Processing;

/// <summary>The return's payload cannot be processed as sent: retrying will not help, so it goes to the DLQ at once.</summary>
internal sealed class ReturnRejectedException(Guid returnId, string problem)
    : PermanentMessageException($"Return {returnId} rejected: {problem}")
{
    public Guid ReturnId { get; } = returnId;

    public string Problem { get; } = problem;
}
