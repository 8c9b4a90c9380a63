namespace Shop.Notifications.Contracts;

/// <summary>One e-mail the shop "sent" (written to <c>notifications_outbox</c> for a mail relay to pick up).</summary>
public sealed record NotificationDto(long Id, Guid UserId, string Kind, string? Recipient, string Subject, string Body, string MessageId, DateTimeOffset CreatedAt);
