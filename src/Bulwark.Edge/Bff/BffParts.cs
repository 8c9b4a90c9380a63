using System.Text.Json.Nodes;

namespace Bulwark.Edge.Bff;

/// <summary>What a screen's parts brought back, handed to its shape.</summary>
public sealed class BffParts
{
    private readonly Dictionary<string, JsonNode?> _values;

    internal BffParts(Dictionary<string, JsonNode?> values, IReadOnlyList<string> degraded, bool hasCredentials)
    {
        _values = values;
        Degraded = degraded;
        HasCredentials = hasCredentials;
    }

    /// <summary>The optional parts that are missing (failed, slow, or refused by a breaker).</summary>
    public IReadOnlyList<string> Degraded { get; }

    /// <summary>Whether the caller sent credentials (so personal parts ran).</summary>
    public bool HasCredentials { get; }

    /// <summary>A part's value; <see langword="null"/> when it is missing, was not run, or its backend answered nothing.</summary>
    /// <param name="part">The part's name.</param>
    /// <returns>The value.</returns>
    public JsonNode? this[string part] => _values.GetValueOrDefault(part);
}
