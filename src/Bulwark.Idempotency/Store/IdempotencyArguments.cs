namespace Bulwark.Idempotency;

/// <summary>Argument checks every <see cref="IIdempotencyStore"/> adapter applies the same way.</summary>
public static class IdempotencyArguments
{
    /// <summary>The longest store key accepted (the caller scope plus the client's key).</summary>
    public const int MaxKeyLength = 512;

    /// <summary>Throws when <paramref name="key"/> is unusable.</summary>
    /// <param name="key">The key.</param>
    public static void ValidateKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentOutOfRangeException(nameof(key), key.Length, $"An idempotency store key is at most {MaxKeyLength} characters.");
        }
    }

    /// <summary>The scope of a store key: everything before its first <c>:</c>, or empty when it has none.</summary>
    /// <param name="key">The store key.</param>
    /// <returns>The scope.</returns>
    public static string ScopeOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? "" : key[..colon];
    }

    /// <summary>Throws when <paramref name="scope"/> is unusable as a scope (empty, too long, or holding a <c>:</c>).</summary>
    /// <param name="scope">The scope.</param>
    public static void ValidateScope(string scope)
    {
        ArgumentException.ThrowIfNullOrEmpty(scope);
        if (scope.Length > MaxKeyLength || scope.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"An idempotency scope is 1 to {MaxKeyLength} characters without ':'; got '{scope}'.", nameof(scope));
        }
    }

    /// <summary>Throws when a duration is not positive.</summary>
    /// <param name="value">The duration.</param>
    /// <param name="name">The parameter name.</param>
    public static void ValidatePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, "The duration must be positive.");
        }
    }
}
