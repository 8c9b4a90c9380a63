using System.Collections.Concurrent;

namespace Bulwark.Messaging.Serialization;

/// <summary>
/// Maps stable message type names (what travels on the wire) to CLR types, and each type to its default topic.
/// Names, not CLR type names, travel so a class can be renamed or moved; older names stay readable as aliases.
/// </summary>
public sealed class MessageTypeRegistry
{
    private readonly ConcurrentDictionary<string, Type> _byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, (string Name, string Topic)> _byType = new();

    /// <summary>Registers a message type.</summary>
    /// <param name="type">The CLR type of the body.</param>
    /// <param name="name">The stable wire name, e.g. <c>shop.user-registered.v1</c>.</param>
    /// <param name="topic">The topic it is published to by default; the name when unset.</param>
    /// <param name="aliases">Older wire names still accepted when reading.</param>
    /// <exception cref="InvalidOperationException">The name is already taken by another type.</exception>
    public void Register(Type type, string name, string? topic = null, params string[] aliases)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(aliases);
        foreach (var n in aliases.Prepend(name))
        {
            var existing = _byName.GetOrAdd(n, type);
            if (existing != type)
            {
                throw new InvalidOperationException($"Message type name '{n}' is already registered for {existing.FullName}; cannot register it for {type.FullName}.");
            }
        }

        _byType[type] = (name, topic ?? name);
    }

    /// <summary>The wire name of a registered type.</summary>
    /// <param name="type">The CLR type.</param>
    /// <returns>The name.</returns>
    /// <exception cref="InvalidOperationException">The type is not registered.</exception>
    public string GetName(Type type) => Lookup(type).Name;

    /// <summary>The default topic of a registered type.</summary>
    /// <param name="type">The CLR type.</param>
    /// <returns>The topic.</returns>
    /// <exception cref="InvalidOperationException">The type is not registered.</exception>
    public string GetTopic(Type type) => Lookup(type).Topic;

    /// <summary>Finds the CLR type for a wire name (or alias).</summary>
    /// <param name="name">The wire name.</param>
    /// <param name="type">The type when found.</param>
    /// <returns>Whether the name is known.</returns>
    public bool TryGetType(string name, out Type type)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out type!);
    }

    private (string Name, string Topic) Lookup(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _byType.TryGetValue(type, out var entry)
            ? entry
            : throw new InvalidOperationException($"{type.FullName} is not a registered message type; call AddMessageType<{type.Name}>(\"name\") on the messaging builder.");
    }
}
