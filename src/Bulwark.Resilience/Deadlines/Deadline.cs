using System.Globalization;

namespace Bulwark.Resilience.Deadlines;

/// <summary>
/// An absolute point in time by which a request's work must be done. Fixed once at the entry and carried to every
/// hop, so each hop's timeout is what is left rather than a fresh fixed timeout.
/// </summary>
/// <remarks>On the wire it is the <c>X-Deadline</c> header: Unix epoch milliseconds (UTC), digits only.
/// See docs/resilience.md#deadlines.</remarks>
/// <param name="At">The instant the budget runs out.</param>
public readonly record struct Deadline(DateTimeOffset At)
{
    /// <summary>The HTTP header a deadline travels in.</summary>
    public const string HeaderName = "X-Deadline";

    /// <summary>A deadline <paramref name="budget"/> from now.</summary>
    /// <param name="budget">The time allowed.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The deadline.</returns>
    public static Deadline After(TimeSpan budget, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return new Deadline(timeProvider.GetUtcNow() + budget);
    }

    /// <summary>Time left, never negative.</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The remaining budget.</returns>
    public TimeSpan Remaining(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var left = At - timeProvider.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>Whether the budget is spent.</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <returns><see langword="true"/> when no time is left.</returns>
    public bool IsExpired(TimeProvider timeProvider) => Remaining(timeProvider) <= TimeSpan.Zero;

    /// <summary>The earlier of two deadlines: an inner scope can only shorten the budget.</summary>
    /// <param name="other">The other deadline.</param>
    /// <returns>The earlier one.</returns>
    public Deadline Min(Deadline other) => other.At < At ? other : this;

    /// <summary>The <c>X-Deadline</c> header value: Unix epoch milliseconds.</summary>
    /// <returns>The header value.</returns>
    public string ToHeaderValue() => At.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses an <c>X-Deadline</c> header value (Unix epoch milliseconds, digits only).</summary>
    /// <param name="value">The header value.</param>
    /// <param name="deadline">The parsed deadline.</param>
    /// <returns><see langword="false"/> when the value is missing or malformed.</returns>
    public static bool TryParseHeader(string? value, out Deadline deadline)
    {
        deadline = default;
        if (string.IsNullOrEmpty(value) || value.Length > 16)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        var milliseconds = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
        if (milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        deadline = new Deadline(DateTimeOffset.FromUnixTimeMilliseconds(milliseconds));
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => At.ToString("O", CultureInfo.InvariantCulture);
}
