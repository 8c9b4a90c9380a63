using Shop.Identity.Users;

namespace Shop.Identity.Ports;

/// <summary>
/// Where users live (owned by the core, implemented by adapters). <see cref="AddAsync"/> stores the user and
/// announces the registration atomically: an adapter writes both or neither.
/// </summary>
public interface IUserStore
{
    /// <summary>Stores a new user, its password hash and its registration event; <see langword="false"/> when the e-mail is already taken.</summary>
    Task<bool> AddAsync(User user, string passwordHash, CancellationToken cancellationToken);

    /// <summary>The user with <paramref name="id"/>, if any.</summary>
    Task<User?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>The id and password hash of the user with <paramref name="email"/>, if any (a user from before passwords has none).</summary>
    Task<StoredCredentials?> FindCredentialsAsync(EmailAddress email, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the user's personal data with <paramref name="forgotten"/> (<see cref="User.Forget"/>), drops their
    /// password and announces it (<c>CustomerForgotten</c>) atomically: an adapter writes all or nothing.
    /// <see langword="false"/> when there is no such user or they were already forgotten (nothing written).
    /// </summary>
    Task<bool> ForgetAsync(User forgotten, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>What sign-in checks a password against.</summary>
public sealed record StoredCredentials(Guid UserId, string? PasswordHash);
