using Shop.Identity.Ports;

namespace Shop.Identity.Users;

/// <summary>The sign-up use case.</summary>
public sealed class RegistrationService(IUserStore store, TimeProvider clock)
{
    /// <summary>Registers a user; the store announces the registration in the same transaction.</summary>
    public async Task<RegistrationResult> RegisterAsync(string? email, string? displayName, CancellationToken cancellationToken)
    {
        var (user, errors) = User.Register(email, displayName, clock);
        if (user is null)
        {
            return RegistrationResult.Invalid(errors);
        }

        return await store.AddAsync(user, cancellationToken).ConfigureAwait(false)
            ? RegistrationResult.Registered(user)
            : RegistrationResult.EmailTaken(user.Email.Value);
    }

    /// <summary>The user with <paramref name="id"/>, if any.</summary>
    public Task<User?> FindAsync(Guid id, CancellationToken cancellationToken) => store.FindAsync(id, cancellationToken);
}

/// <summary>How a sign-up ended.</summary>
public sealed record RegistrationResult(User? User, IReadOnlyList<string> Errors, bool IsEmailTaken)
{
    /// <summary>The user was stored.</summary>
    public static RegistrationResult Registered(User user) => new(user, [], false);

    /// <summary>The input broke an invariant.</summary>
    public static RegistrationResult Invalid(IReadOnlyList<string> errors) => new(null, errors, false);

    /// <summary>Someone already signed up with this address.</summary>
    public static RegistrationResult EmailTaken(string email) => new(null, [$"{email} is already registered."], true);
}
