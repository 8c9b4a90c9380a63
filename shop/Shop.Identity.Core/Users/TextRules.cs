using System.Globalization;

namespace Shop.Identity.Users;

/// <summary>
/// Characters a person's visible text must not hide: control characters (NUL, BEL, ...) and invisible format characters,
/// among them the bidi overrides (U+202A–U+202E, U+2066–U+2069) that make a name display differently from what it is.
/// </summary>
public static class TextRules
{
    /// <summary>Whether <paramref name="text"/> holds a control or format (Cf) character.</summary>
    public static bool HasHiddenCharacters(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
        {
            if (char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format)
            {
                return true;
            }
        }

        return false;
    }
}
