using Shop.Identity.Ports;

namespace Shop.Identity.Users;

/// <summary>The sign-up and sign-in use cases.</summary>
public sealed class RegistrationService(IUserStore store, IPasswordHashing passwords, TimeProvider clock)
{
    /// <summary>The shortest password accepted (NIST SP 800-63B asks for at least 8; a passphrase is better).</summary>
    public const int MinPasswordLength = 10;

    /// <summary>The longest password accepted (bounds the hashing work one request can ask for).</summary>
    public const int MaxPasswordLength = 128;

    // Checked when the e-mail is unknown, so a wrong address costs the same time as a wrong password.
    private readonly Lazy<string> _decoyHash = new(() => passwords.Hash("decoy password for unknown e-mails"));

    /// <summary>Registers a user; the store announces the registration in the same transaction.</summary>
    public async Task<RegistrationResult> RegisterAsync(string? email, string? displayName, string? password, CancellationToken cancellationToken)
    {
        var (user, errors) = User.Register(email, displayName, clock);
        var allErrors = new List<FieldError>(errors);
        if (password is null || password.Length is < MinPasswordLength or > MaxPasswordLength)
        {
            allErrors.Add(new("password", $"password must be {MinPasswordLength} to {MaxPasswordLength} characters."));
        }
        else if (password.Any(char.IsControl))
        {
            allErrors.Add(new("password", "password must not contain control characters."));
        }

        if (user is null || allErrors.Count > 0)
        {
            return RegistrationResult.Invalid(allErrors);
        }

        return await store.AddAsync(user, passwords.Hash(password!), cancellationToken).ConfigureAwait(false)
            ? RegistrationResult.Registered(user)
            : RegistrationResult.EmailTaken(user.Email.Value);
    }

    /// <summary>The id of the user whose e-mail and password match, or <see langword="null"/> (the same for either mismatch).</summary>
    public async Task<Guid?> SignInAsync(string? email, string? password, CancellationToken cancellationToken)
    {
        if (password is null || password.Length > MaxPasswordLength || !EmailAddress.TryParse(email, out var address))
        {
            return null;
        }

        var stored = await store.FindCredentialsAsync(address!, cancellationToken).ConfigureAwait(false);
        if (stored?.PasswordHash is not { } hash)
        {
            _ = passwords.Verify(_decoyHash.Value, password);
            return null;
        }

        return passwords.Verify(hash, password) ? stored.UserId : null;
    }

    /// <summary>The user with <paramref name="id"/>, if any.</summary>
    public Task<User?> FindAsync(Guid id, CancellationToken cancellationToken) => store.FindAsync(id, cancellationToken);

    /// <summary>
    /// Erases the personal data of the user with <paramref name="id"/> (<see cref="User.Forget"/>) and drops their
    /// password; the store announces it in the same transaction. <see langword="false"/> when there is no such user or
    /// they were already forgotten.
    /// </summary>
    public async Task<bool> ForgetAsync(Guid id, CancellationToken cancellationToken)
    {
        var user = await store.FindAsync(id, cancellationToken).ConfigureAwait(false);
        return user is not null && !user.IsForgotten && await store.ForgetAsync(user.Forget(), clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>How a sign-up ended.</summary>
public sealed record RegistrationResult(User? User, IReadOnlyList<FieldError> Errors, bool IsEmailTaken)
{
    /// <summary>The user was stored.</summary>
    public static RegistrationResult Registered(User user) => new(user, [], false);

    /// <summary>The input broke an invariant.</summary>
    public static RegistrationResult Invalid(IReadOnlyList<FieldError> errors) => new(null, errors, false);

    /// <summary>Someone already signed up with this address.</summary>
    public static RegistrationResult EmailTaken(string email) => new(null, [new("email", $"{email} is already registered.")], true);
}
