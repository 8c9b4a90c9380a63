namespace Shop.Identity.Contracts;

/// <summary>Integration event: a customer signed up. Published through the outbox; subscribers must be idempotent.</summary>
public sealed record UserRegistered(Guid UserId, string Email, string DisplayName, DateTimeOffset RegisteredAt)
{
    /// <summary>The topic the event is published on.</summary>
    public const string Topic = "identity.user-registered";
}
