using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bulwark.Edge.Strangler;

/// <summary>
/// Reshapes a new-side JSON answer into the legacy shape a strangled route's callers were built against
/// (<see cref="LegacyShapeOptions"/>): every property renamed by the naming rule or the explicit map, new-only
/// properties left out, at every depth. Values are never changed or invented: a legacy-only field the new side does not
/// have stays missing (the shadow compare's <c>IgnoreFields</c> says which ones those are).
/// </summary>
public static class LegacyShape
{
    /// <summary>Whether the options can be applied, and what to fix when they cannot.</summary>
    /// <param name="options">The route's legacy shape.</param>
    /// <returns>The problems, empty when there are none.</returns>
    public static IReadOnlyList<string> Validate(LegacyShapeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        foreach (var (from, to) in options.Rename)
        {
            if (string.IsNullOrWhiteSpace(from) || string.IsNullOrWhiteSpace(to))
            {
                errors.Add($"Rename needs a name on both sides, not '{from}' → '{to}'.");
            }
        }

        if (options.Omit.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("Omit lists an empty name.");
        }

        if (options.MaxBodyBytes is < 1024 or > 64 * 1024 * 1024)
        {
            errors.Add($"MaxBodyBytes is {options.MaxBodyBytes}; use 1024 to 67108864.");
        }

        return errors;
    }

    /// <summary>Reshapes <paramref name="json"/>; <see langword="null"/> when it is not JSON (it is then passed on as it is).</summary>
    /// <param name="json">The new side's answer.</param>
    /// <param name="options">The route's legacy shape.</param>
    /// <returns>The answer in the legacy shape, as UTF-8 JSON.</returns>
    public static byte[]? Apply(ReadOnlySpan<byte> json, LegacyShapeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }

        var rename = options.Rename.ToDictionary(p => ShadowComparison.NormaliseName(p.Key), p => p.Value, StringComparer.Ordinal);
        var omit = options.Omit.Select(ShadowComparison.NormaliseName).ToHashSet(StringComparer.Ordinal);
        return JsonSerializer.SerializeToUtf8Bytes(Reshape(node, options.Naming, rename, omit));
    }

    /// <summary><c>priceCents</c> → <c>price_cents</c>, <c>HTTPStatus</c> → <c>http_status</c>; already snake stays as it is.</summary>
    /// <param name="name">A property name.</param>
    /// <returns>The snake_case spelling.</returns>
    public static string ToSnakeCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '-')
            {
                builder.Append('_');
                continue;
            }

            if (char.IsUpper(c))
            {
                // A word starts at an upper-case letter after a lower-case one or a digit, or before a lower-case one
                // that follows a run of capitals (the "S" of "HTTPStatus").
                var startsWord = i > 0 && name[i - 1] != '_' && name[i - 1] != '-'
                    && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1])));
                if (startsWord)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
                continue;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private static JsonNode? Reshape(JsonNode? node, LegacyNaming naming, Dictionary<string, string> rename, HashSet<string> omit) => node switch
    {
        JsonObject obj => ReshapeObject(obj, naming, rename, omit),
        JsonArray array => new JsonArray([.. array.Select(item => Reshape(item, naming, rename, omit))]),
        null => null,
        _ => node.DeepClone(),
    };

    private static JsonObject ReshapeObject(JsonObject obj, LegacyNaming naming, Dictionary<string, string> rename, HashSet<string> omit)
    {
        var result = new JsonObject();
        foreach (var (name, value) in obj)
        {
            var key = ShadowComparison.NormaliseName(name);
            if (omit.Contains(key))
            {
                continue;
            }

            var legacyName = rename.TryGetValue(key, out var renamed) ? renamed : naming == LegacyNaming.SnakeCase ? ToSnakeCase(name) : name;
            result[legacyName] = Reshape(value, naming, rename, omit);
        }

        return result;
    }
}
