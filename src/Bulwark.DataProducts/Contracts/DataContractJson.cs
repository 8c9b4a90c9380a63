using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bulwark.DataProducts;

/// <summary>
/// Writes and reads a <see cref="DataContract"/> in the shape of the Open Data Contract Standard (ODCS v3): fundamentals
/// (<c>id</c>, <c>name</c>, <c>version</c>, <c>status</c>, <c>domain</c>, <c>description.purpose</c>), one schema object
/// whose properties carry <c>logicalType</c>, <c>required</c> and <c>classification</c>, the owning team, and the
/// freshness SLO as the <c>latency</c> SLA property. JSON, not YAML: ODCS documents are the same tree either way and
/// JSON needs no extra package.
/// </summary>
public static class DataContractJson
{
    /// <summary>The ODCS version this shape follows.</summary>
    public const string ApiVersion = "v3.0.2";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Serializes a contract.</summary>
    /// <param name="contract">The contract.</param>
    /// <returns>Indented JSON.</returns>
    public static string Write(DataContract contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        var properties = new JsonArray();
        foreach (var field in contract.Fields)
        {
            var property = new JsonObject
            {
                ["name"] = field.Name,
                ["logicalType"] = LogicalType(field.PublishedType),
                ["physicalType"] = PhysicalType(field.PublishedType),
                ["required"] = field.Required,
                ["classification"] = field.Classification.ToString().ToLowerInvariant(),
                ["description"] = field.Description,
            };
            if (field.Classification == FieldClassification.Personal)
            {
                // ODCS's free-text lineage fields: how the published value comes from the source value.
                property["transformLogic"] = field.IsPseudonymised ? "hmac-sha256(key, value)" : "omitted";
                property["x-published"] = field.IsPublished;
                property["x-sourceLogicalType"] = LogicalType(field.Type);
            }

            properties.Add(property);
        }

        var root = new JsonObject
        {
            ["apiVersion"] = ApiVersion,
            ["kind"] = "DataContract",
            ["id"] = contract.Id,
            ["name"] = contract.Name,
            ["version"] = contract.Version,
            ["status"] = "active",
            ["domain"] = contract.Domain,
            ["dataProduct"] = contract.Id,
            ["description"] = new JsonObject { ["purpose"] = contract.Description },
            ["team"] = new JsonArray(new JsonObject { ["username"] = contract.Owner, ["role"] = "owner" }),
            ["schema"] = new JsonArray(new JsonObject
            {
                ["name"] = contract.Id,
                ["physicalType"] = "parquet",
                ["properties"] = properties,
            }),
            ["slaProperties"] = new JsonArray(new JsonObject
            {
                ["property"] = "latency",
                ["value"] = (long)contract.Freshness.TotalSeconds,
                ["unit"] = "s",
            }),
        };
        return root.ToJsonString(Indented);
    }

    /// <summary>Reads a contract written by <see cref="Write"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The contract.</returns>
    /// <exception cref="FormatException">A required member is missing or has an unknown value.</exception>
    public static DataContract Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var root = JsonNode.Parse(json)?.AsObject() ?? throw new FormatException("A data contract is a JSON object.");
        var schema = root["schema"]?.AsArray().FirstOrDefault()?.AsObject() ?? throw new FormatException("The contract has no schema.");
        var fields = new List<ContractField>();
        foreach (var node in schema["properties"]?.AsArray() ?? [])
        {
            var property = node!.AsObject();
            var classification = Enum.Parse<FieldClassification>(Text(property, "classification"), ignoreCase: true);
            var published = property["x-published"]?.GetValue<bool>() ?? true;
            var type = ParseLogicalType(property["x-sourceLogicalType"]?.GetValue<string>() ?? Text(property, "logicalType"));
            fields.Add(new ContractField(
                Text(property, "name"),
                type,
                classification,
                property["description"]?.GetValue<string>() ?? string.Empty,
                property["required"]?.GetValue<bool>() ?? false,
                published ? PersonalHandling.Pseudonymise : PersonalHandling.Omit));
        }

        var latency = root["slaProperties"]?.AsArray().Select(n => n!.AsObject()).FirstOrDefault(p => p["property"]?.GetValue<string>() == "latency")
            ?? throw new FormatException("The contract has no latency (freshness) SLA property.");
        return new DataContract
        {
            Id = Text(root, "id"),
            Name = Text(root, "name"),
            Version = Text(root, "version"),
            Domain = Text(root, "domain"),
            Owner = root["team"]?.AsArray().Select(n => n!.AsObject()).FirstOrDefault(m => m["role"]?.GetValue<string>() == "owner")?["username"]?.GetValue<string>()
                ?? throw new FormatException("The contract names no owner in team."),
            Description = root["description"]?["purpose"]?.GetValue<string>() ?? string.Empty,
            Freshness = TimeSpan.FromSeconds(latency["value"]!.GetValue<long>()),
            Fields = fields,
        };
    }

    private static string Text(JsonObject node, string name) =>
        node[name]?.GetValue<string>() ?? throw new FormatException($"The contract has no '{name}'.");

    private static string LogicalType(FieldType type) => type switch
    {
        FieldType.Text => "string",
        FieldType.WholeNumber => "integer",
        FieldType.Boolean => "boolean",
        FieldType.Timestamp => "timestamp",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    private static string PhysicalType(FieldType type) => type switch
    {
        FieldType.Text => "BYTE_ARRAY (UTF8)",
        FieldType.WholeNumber => "INT64",
        FieldType.Boolean => "BOOLEAN",
        FieldType.Timestamp => "INT64 (TIMESTAMP)",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    private static FieldType ParseLogicalType(string text) => text switch
    {
        "string" => FieldType.Text,
        "integer" => FieldType.WholeNumber,
        "boolean" => FieldType.Boolean,
        "timestamp" => FieldType.Timestamp,
        _ => throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"Unknown logicalType '{text}'.")),
    };
}
