namespace Shop.Identity.Contracts;

/// <summary>A user as other modules and clients see it.</summary>
public sealed record UserDto(Guid Id, string Email, string DisplayName, DateTimeOffset RegisteredAt);
