namespace Bulwark.EventSourcing;

/// <summary>
/// Marks a string property of an event as personal data: it is stored encrypted with the key of the event's
/// <see cref="DataSubjectAttribute"/> subject and reads as <see cref="PersonalData.Shredded"/> once that key is deleted.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class PersonalDataAttribute : Attribute;

/// <summary>Marks the property holding the id of the person an event's personal data belongs to.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class DataSubjectAttribute : Attribute;

/// <summary>Crypto-shredding constants.</summary>
public static class PersonalData
{
    /// <summary>What a personal field reads as after its subject was forgotten.</summary>
    public const string Shredded = "[shredded]";

    /// <summary>Whether <paramref name="value"/> is a shredded personal field.</summary>
    /// <param name="value">A field value.</param>
    /// <returns><see langword="true"/> when shredded.</returns>
    public static bool IsShredded(string? value) => string.Equals(value, Shredded, StringComparison.Ordinal);
}
