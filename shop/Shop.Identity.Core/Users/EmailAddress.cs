namespace Shop.Identity.Users;

/// <summary>An e-mail address, trimmed and lower-cased so uniqueness is not fooled by case.</summary>
public sealed record EmailAddress
{
    private EmailAddress(string value) => Value = value;

    /// <summary>The normalised address.</summary>
    public string Value { get; }

    /// <summary>Parses an address the way sign-up needs: one local part, one domain with a dot, no spaces.</summary>
    public static bool TryParse(string? input, out EmailAddress? address)
    {
        address = null;
        var value = input?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(value) || value.Length > 254 || value.Any(char.IsWhiteSpace) || TextRules.HasHiddenCharacters(value))
        {
            return false;
        }

        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != value.LastIndexOf('@') || at == value.Length - 1)
        {
            return false;
        }

        var domain = value[(at + 1)..];
        if (!domain.Contains('.', StringComparison.Ordinal) || domain.StartsWith('.') || domain.EndsWith('.'))
        {
            return false;
        }

        address = new EmailAddress(value);
        return true;
    }

    /// <summary>Parses an address known to be valid.</summary>
    public static EmailAddress Parse(string input) =>
        TryParse(input, out var address) ? address! : throw new FormatException($"'{input}' is not a valid e-mail address.");

    /// <inheritdoc />
    public override string ToString() => Value;
}
