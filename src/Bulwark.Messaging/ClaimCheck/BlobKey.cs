namespace Bulwark.Messaging.ClaimCheck;

/// <summary>Validates blob keys so no adapter can be made to write outside its container or folder.</summary>
public static class BlobKey
{
    /// <summary>Throws when <paramref name="key"/> has characters outside [A-Za-z0-9-_./] or a <c>..</c> segment.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentException">The key is unsafe.</exception>
    public static string Validate(string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        foreach (var c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/'))
            {
                throw new ArgumentException($"Blob key '{key}' contains '{c}'; only letters, digits, '-', '_', '.' and '/' are allowed.", nameof(key));
            }
        }

        if (key.StartsWith('/') || key.Split('/').Any(s => s is "" or "." or ".."))
        {
            throw new ArgumentException($"Blob key '{key}' has an empty, '.' or '..' segment.", nameof(key));
        }

        return key;
    }
}
