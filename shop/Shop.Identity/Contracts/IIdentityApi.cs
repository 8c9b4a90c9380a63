namespace Shop.Identity.Contracts;

/// <summary>What other modules may ask Identity (e.g. Notifications: where to send an order's mail). The only way in besides HTTP and events.</summary>
public interface IIdentityApi
{
    /// <summary>The user with <paramref name="userId"/>, or <see langword="null"/> when there is none.</summary>
    Task<UserDto?> FindUserAsync(Guid userId, CancellationToken cancellationToken);
}
