namespace Shop.Rewards.Contracts;

/// <summary>A customer's points balance and the credits behind it.</summary>
public sealed record RewardsDto(Guid UserId, long Points, IReadOnlyList<RewardCreditDto> Credits);

/// <summary>One credit: why, how many points, and the message that caused it.</summary>
public sealed record RewardCreditDto(string Reason, long Points, string MessageId, DateTimeOffset CreditedAt);

/// <summary>
/// One order's points as the customer sees them: <c>Pending</c> (placed, not yet decided), <c>Earned</c> (confirmed)
/// or <c>Void</c> (rejected; points 0).
/// </summary>
public sealed record RewardOrderDto(Guid OrderId, string Status, long Points, DateTimeOffset UpdatedAt);
