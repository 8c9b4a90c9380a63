using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Bulwark.Drills.DatabaseSwap;

/// <summary>One step of the customer journey as one shop answered it: the status and the body's normalised fields.</summary>
/// <param name="Step">The step's name, e.g. <c>place order</c>.</param>
/// <param name="Request">What was sent, with per-run ids as placeholders, e.g. <c>POST /api/orders</c>.</param>
/// <param name="Status">The HTTP status; 0 when nothing answered in time.</param>
/// <param name="Fields">Every value of the body by its JSON path (<c>lines[0].totalCents</c>), per-run values replaced.</param>
/// <param name="ExpectSuccess">Whether a working shop answers this step 2xx (the bad-input steps answer 4xx).</param>
public sealed record JourneyStep(string Step, string Request, int Status, IReadOnlyDictionary<string, string> Fields, bool ExpectSuccess);

/// <summary>
/// Turns an answer's body into the fields the two shops are compared on: values that differ by run (ids, times,
/// tokens) become placeholders, business values stay. Ids are numbered in the order the journey first meets them
/// (<c>{id1}</c>, <c>{id2}</c>), so "the replay answered the same order" survives normalisation and "it answered a
/// new one" does not. One instance per shop's journey. Pure: no clock, no network.
/// </summary>
/// <param name="perRunFields">Field names whose values are replaced by <see cref="PerRun"/> wherever they appear.</param>
public sealed partial class JourneyAnswer(IReadOnlySet<string> perRunFields)
{
    /// <summary>The placeholder of a per-run field's value.</summary>
    public const string PerRun = "{per-run}";

    /// <summary>The placeholder of an ISO 8601 time.</summary>
    public const string Time = "{time}";

    /// <summary>The field name of a body that is not JSON.</summary>
    public const string TextBody = "(body)";

    // Longer non-JSON bodies are cut: a comparison of an HTML error page needs its start, not all of it.
    private const int MaxTextBody = 512;

    private readonly Dictionary<string, string> _ids = new(StringComparer.Ordinal);

    /// <summary>The placeholder of <paramref name="value"/> wherever it appears (a request path, an e-mail), ids and times replaced.</summary>
    public string Normalize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var withIds = Uuid().Replace(value, m =>
        {
            var key = m.Value.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
            if (!_ids.TryGetValue(key, out var placeholder))
            {
                placeholder = "{id" + (_ids.Count + 1).ToString(CultureInfo.InvariantCulture) + "}";
                _ids[key] = placeholder;
            }

            return placeholder;
        });
        return IsoTime().Replace(withIds, Time);
    }

    /// <summary>The fields of <paramref name="body"/>: each JSON value by its path, or the text itself under <see cref="TextBody"/>.</summary>
    public IReadOnlyDictionary<string, string> Fields(string? body)
    {
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(body))
        {
            return fields;
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            var text = body.Length > MaxTextBody ? body[..MaxTextBody] + "…" : body;
            fields[TextBody] = Normalize(text);
            return fields;
        }

        Walk(root, "", perRun: false, fields);
        return fields;
    }

    private void Walk(JsonNode? node, string path, bool perRun, SortedDictionary<string, string> fields)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj.Count == 0)
                {
                    fields[path] = "{}";
                }

                foreach (var (name, child) in obj)
                {
                    // A name can be an id too (a map keyed by order id).
                    var key = Normalize(name);
                    Walk(child, path.Length == 0 ? key : $"{path}.{key}", perRun || perRunFields.Contains(name), fields);
                }

                break;
            case JsonArray array:
                if (array.Count == 0)
                {
                    fields[path] = "[]";
                }

                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]", perRun, fields);
                }

                break;
            case null:
                fields[path] = perRun ? PerRun : "null";
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                fields[path] = perRun ? PerRun : "\"" + Normalize(value.GetValue<string>()) + "\"";
                break;
            default:
                fields[path] = perRun ? PerRun : node.ToJsonString();
                break;
        }
    }

    // A UUID with or without its dashes (the shop writes wallet ids without), never part of a longer hex run.
    [GeneratedRegex("(?<![0-9a-fA-F])[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}(?![0-9a-fA-F])", RegexOptions.CultureInvariant)]
    private static partial Regex Uuid();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTime();
}
