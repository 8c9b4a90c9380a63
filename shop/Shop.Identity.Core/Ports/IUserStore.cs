using Shop.Identity.Users;

namespace Shop.Identity.Ports;

/// <summary>
/// Where users live (owned by the core, implemented by adapters). <see cref="AddAsync"/> stores the user and
/// announces the registration atomically: an adapter writes both or neither.
/// </summary>
public interface IUserStore
{
    /// <summary>Stores a new user and its registration event; returns <see langword="false"/> when the e-mail is already taken.</summary>
    Task<bool> AddAsync(User user, CancellationToken cancellationToken);

    /// <summary>The user with <paramref name="id"/>, if any.</summary>
    Task<User?> FindAsync(Guid id, CancellationToken cancellationToken);
}
