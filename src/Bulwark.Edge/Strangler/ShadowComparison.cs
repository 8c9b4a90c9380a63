using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Bulwark.Edge.Strangler;

/// <summary>How a shadow comparison ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ShadowOutcome>))]
public enum ShadowOutcome
{
    /// <summary>Same status, same normalised body.</summary>
    Matched,

    /// <summary>The statuses differ.</summary>
    StatusMismatch,

    /// <summary>Same status, different normalised body.</summary>
    BodyMismatch,

    /// <summary>The new side did not answer (timeout, refused, reset).</summary>
    Failed,

    /// <summary>Not compared (a body over the compared size).</summary>
    Skipped,
}

/// <summary>The result of comparing a legacy answer with the new side's.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Difference">The first difference, or null when matched.</param>
public sealed record ShadowComparison(ShadowOutcome Outcome, string? Difference)
{
    /// <summary>Compares two answers: the statuses, then the bodies as normalised JSON (or as text when either is not JSON).</summary>
    /// <remarks>
    /// Normalised: property names compared without case, underscores or dashes (<c>price_cents</c> = <c>priceCents</c>),
    /// property order ignored, numbers compared by value (<c>10</c> = <c>10.0</c>), <paramref name="ignoreFields"/> left out.
    /// </remarks>
    public static ShadowComparison Compare(int legacyStatus, ReadOnlySpan<byte> legacyBody, int newStatus, ReadOnlySpan<byte> newBody, IReadOnlyCollection<string> ignoreFields)
    {
        ArgumentNullException.ThrowIfNull(ignoreFields);
        if (legacyStatus != newStatus)
        {
            return new ShadowComparison(ShadowOutcome.StatusMismatch, $"status {legacyStatus} vs {newStatus}");
        }

        var ignore = ignoreFields.Select(NormaliseName).ToHashSet(StringComparer.Ordinal);
        var legacy = TryParse(legacyBody);
        var @new = TryParse(newBody);
        string? difference;
        if (legacy.Parsed && @new.Parsed)
        {
            difference = FindDifference(legacy.Node, @new.Node, "$", ignore);
        }
        else
        {
            difference = legacyBody.Trim((byte)' ').SequenceEqual(newBody.Trim((byte)' ')) ? null : "bodies differ (not JSON)";
        }

        return difference is null ? new ShadowComparison(ShadowOutcome.Matched, null) : new ShadowComparison(ShadowOutcome.BodyMismatch, difference);
    }

    internal static string NormaliseName(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (c is not '_' and not '-')
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    private static (bool Parsed, JsonNode? Node) TryParse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return (true, null);
        }

        try
        {
            return (true, JsonNode.Parse(body));
        }
        catch (JsonException)
        {
            return (false, null);
        }
    }

    private static string? FindDifference(JsonNode? legacy, JsonNode? @new, string path, HashSet<string> ignore)
    {
        switch (legacy, @new)
        {
            case (null, null):
                return null;
            case (JsonObject a, JsonObject b):
                var left = Fields(a, ignore);
                var right = Fields(b, ignore);
                foreach (var (name, value) in left)
                {
                    if (!right.TryGetValue(name, out var other))
                    {
                        return $"{path}.{name}: only in legacy";
                    }

                    if (FindDifference(value, other, $"{path}.{name}", ignore) is { } inner)
                    {
                        return inner;
                    }
                }

                var extra = right.Keys.FirstOrDefault(k => !left.ContainsKey(k));
                return extra is null ? null : $"{path}.{extra}: only in new";
            case (JsonArray a, JsonArray b):
                if (a.Count != b.Count)
                {
                    return $"{path}: {a.Count} items vs {b.Count}";
                }

                for (var i = 0; i < a.Count; i++)
                {
                    if (FindDifference(a[i], b[i], $"{path}[{i}]", ignore) is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case (JsonValue a, JsonValue b):
                return ValuesEqual(a, b) ? null : $"{path}: {Show(a)} vs {Show(b)}";
            default:
                return $"{path}: {Show(legacy)} vs {Show(@new)}";
        }
    }

    private static Dictionary<string, JsonNode?> Fields(JsonObject node, HashSet<string> ignore)
    {
        var fields = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (name, value) in node)
        {
            var normalised = NormaliseName(name);
            if (!ignore.Contains(normalised))
            {
                fields[normalised] = value;
            }
        }

        return fields;
    }

    private static bool ValuesEqual(JsonValue a, JsonValue b) =>
        a.GetValueKind() == JsonValueKind.Number && b.GetValueKind() == JsonValueKind.Number
            ? a.TryGetValue<decimal>(out var x) && b.TryGetValue<decimal>(out var y) ? x == y : a.ToJsonString() == b.ToJsonString()
            : a.GetValueKind() == b.GetValueKind() && a.ToJsonString() == b.ToJsonString();

    private static string Show(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
    }
}
