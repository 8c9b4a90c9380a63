namespace Shop.Identity.Users;

/// <summary>A registered customer. Created only through <see cref="Register"/>, which enforces the invariants.</summary>
public sealed class User
{
    /// <summary>The longest display name accepted.</summary>
    public const int MaxDisplayNameLength = 80;

    private User(Guid id, EmailAddress email, string displayName, DateTimeOffset registeredAt)
    {
        Id = id;
        Email = email;
        DisplayName = displayName;
        RegisteredAt = registeredAt;
    }

    /// <summary>The user's id (a time-ordered UUIDv7).</summary>
    public Guid Id { get; }

    /// <summary>The normalised e-mail address, unique across users.</summary>
    public EmailAddress Email { get; }

    /// <summary>The name shown to other people.</summary>
    public string DisplayName { get; }

    /// <summary>When the user signed up.</summary>
    public DateTimeOffset RegisteredAt { get; }

    /// <summary>Validates the input and creates a user, or returns the reasons it cannot.</summary>
    public static (User? User, IReadOnlyList<FieldError> Errors) Register(string? email, string? displayName, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var errors = new List<FieldError>();
        if (!EmailAddress.TryParse(email, out var address))
        {
            errors.Add(new("email", "email must be a single address like name@example.com, without control or invisible characters."));
        }

        var name = displayName?.Trim() ?? string.Empty;
        if (name.Length is 0 or > MaxDisplayNameLength)
        {
            errors.Add(new("displayName", $"displayName must be 1 to {MaxDisplayNameLength} characters."));
        }
        else if (TextRules.HasHiddenCharacters(name))
        {
            errors.Add(new("displayName", "displayName must not contain control characters or invisible formatting (such as bidi overrides)."));
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var now = clock.GetUtcNow();
        return (new User(Guid.CreateVersion7(now), address!, name, now), errors);
    }

    /// <summary>The display name of every forgotten customer.</summary>
    public const string ForgottenDisplayName = "Forgotten customer";

    /// <summary>True when this user's personal data was erased (<see cref="Forget"/>).</summary>
    public bool IsForgotten => Email == ForgottenEmail(Id);

    /// <summary>
    /// This user with their personal data erased (GDPR): the e-mail becomes a per-user placeholder on the reserved
    /// <c>.invalid</c> domain (still unique, never deliverable, never a real customer's) and the name a fixed text; the
    /// id and sign-up time stay, because orders and ledgers still name the customer. Adapters also drop the password,
    /// so the account can no longer sign in.
    /// </summary>
    public User Forget() => new(Id, ForgottenEmail(Id), ForgottenDisplayName, RegisteredAt);

    /// <summary>The placeholder e-mail of forgotten user <paramref name="id"/>.</summary>
    public static EmailAddress ForgottenEmail(Guid id) => EmailAddress.Parse($"forgotten-{id:N}@forgotten.invalid");

    /// <summary>Rebuilds a stored user (adapters only); the stored data was validated when it was written.</summary>
    public static User Restore(Guid id, string email, string displayName, DateTimeOffset registeredAt) =>
        new(id, EmailAddress.Parse(email), displayName, registeredAt);
}
