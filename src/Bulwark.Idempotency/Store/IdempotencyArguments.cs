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
