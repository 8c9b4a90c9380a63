using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bulwark.DataProducts;

/// <summary>
/// Keyed HMAC-SHA256 of a personal value: the same value gives the same pseudonym under one key (so rows of a person
/// still join across products), and without the key a pseudonym cannot be reversed by hashing guesses.
/// </summary>
internal sealed class Pseudonymiser(byte[] key)
{
    public string Pseudonym(object value)
    {
        var text = value switch
        {
            DateTimeOffset at => at.ToString("O", CultureInfo.InvariantCulture),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };

        // The value alone, not the product: a customer's pseudonym is the same in every product built under one key, so
        // products still join on it. Rotating the key breaks every join at once, which is what a rotation is for.
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text));
        return Convert.ToHexStringLower(mac);
    }
}
