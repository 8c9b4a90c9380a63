namespace Shop.Payments.Acquirer;

/// <summary>
/// The shop counts money in minor units (cents); the acquirer wants major units. The exponent is the currency's
/// (ISO 4217): most have two decimals, a few none or three, so "divide by 100" would charge 100× in yen.
/// </summary>
internal static class CurrencyUnits
{
    private static readonly HashSet<string> NoDecimals = new(StringComparer.Ordinal)
    {
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF",
    };

    private static readonly HashSet<string> ThreeDecimals = new(StringComparer.Ordinal) { "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND" };

    /// <summary>Decimals of <paramref name="currency"/>'s minor unit.</summary>
    public static int Exponent(string currency) => NoDecimals.Contains(currency) ? 0 : ThreeDecimals.Contains(currency) ? 3 : 2;

    /// <summary>1999 EUR cents is 19.99; 500 JPY is 500; 1999 BHD fils is 1.999.</summary>
    public static decimal ToMajor(long minorUnits, string currency) => minorUnits / Pow10(Exponent(currency));

    /// <summary>The reverse of <see cref="ToMajor"/>; refuses an amount finer than the currency's minor unit.</summary>
    public static long ToMinor(decimal majorUnits, string currency)
    {
        var minor = majorUnits * Pow10(Exponent(currency));
        return minor == decimal.Truncate(minor)
            ? (long)minor
            : throw new ArgumentException($"{majorUnits} {currency} is finer than the currency's minor unit.", nameof(majorUnits));
    }

    private static decimal Pow10(int exponent) => exponent switch { 0 => 1m, 3 => 1000m, _ => 100m };
}
