namespace Shop.Rewards.Contracts;

/// <summary>A customer's points balance and the credits behind it.</summary>
public sealed record RewardsDto(Guid UserId, long Points, IReadOnlyList<RewardCreditDto> Credits);

/// <summary>One credit: why, how many points, and the message that caused it.</summary>
public sealed record RewardCreditDto(string Reason, long Points, string MessageId, DateTimeOffset CreditedAt);
