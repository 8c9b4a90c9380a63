using System.Globalization;
using System.Text.Json.Nodes;

namespace Bulwark.EventSourcing;

/// <summary>
/// Maps event types to stable names with a schema version (<c>WalletDeposited.v2</c>) and upgrades old shapes
/// with upcasters, so events written years ago still load into today's types. Events are immutable; types evolve.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly Dictionary<Type, (string Name, int Version)> _byType = [];
    private readonly Dictionary<string, (Type Type, int Version)> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Name, int FromVersion), Func<JsonObject, JsonObject>> _upcasters = [];

    /// <summary>Registers <typeparamref name="T"/> as the current shape of <paramref name="name"/>.</summary>
    /// <typeparam name="T">The event type.</typeparam>
    /// <param name="name">The stable name stored with each event (never rename it).</param>
    /// <param name="version">The current schema version; older versions need upcasters up to it.</param>
    /// <returns>The registry.</returns>
    public EventTypeRegistry Register<T>(string name, int version = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        if (name.Contains(".v", StringComparison.Ordinal))
        {
            throw new ArgumentException("The name must not contain '.v'; the version is appended by the registry.", nameof(name));
        }

        _byType[typeof(T)] = (name, version);
        _byName[name] = (typeof(T), version);
        return this;
    }

    /// <summary>Adds the step that upgrades <paramref name="name"/> from <paramref name="fromVersion"/> to the next version.</summary>
    /// <param name="name">The event name.</param>
    /// <param name="fromVersion">The version the upcaster reads.</param>
    /// <param name="upcast">Turns the old JSON body into the next version's body.</param>
    /// <returns>The registry.</returns>
    public EventTypeRegistry AddUpcaster(string name, int fromVersion, Func<JsonObject, JsonObject> upcast)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(upcast);
        _upcasters[(name, fromVersion)] = upcast;
        return this;
    }

    /// <summary>The stored type name of <paramref name="type"/>.</summary>
    /// <param name="type">A registered event type.</param>
    /// <returns>The name with its version, e.g. <c>WalletDeposited.v2</c>.</returns>
    /// <exception cref="UnknownEventTypeException">The type is not registered.</exception>
    public string GetTypeName(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _byType.TryGetValue(type, out var entry)
            ? string.Create(CultureInfo.InvariantCulture, $"{entry.Name}.v{entry.Version}")
            : throw new UnknownEventTypeException(type.FullName ?? type.Name);
    }

    /// <summary>Upgrades a stored body to the current version and returns the type to deserialize it into.</summary>
    /// <param name="eventType">The stored type name.</param>
    /// <param name="body">The stored body.</param>
    /// <returns>The current type and the upgraded body.</returns>
    /// <exception cref="UnknownEventTypeException">The name or a needed upcaster is not registered.</exception>
    public (Type Type, JsonObject Body) Upcast(string eventType, JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        ArgumentNullException.ThrowIfNull(body);
        var (name, version) = Parse(eventType);
        if (!_byName.TryGetValue(name, out var current))
        {
            throw new UnknownEventTypeException(eventType);
        }

        while (version < current.Version)
        {
            if (!_upcasters.TryGetValue((name, version), out var upcast))
            {
                throw new UnknownEventTypeException($"{eventType} (no upcaster from v{version} to v{version + 1})");
            }

            body = upcast(body);
            version++;
        }

        return (current.Type, body);
    }

    private static (string Name, int Version) Parse(string eventType)
    {
        var at = eventType.LastIndexOf(".v", StringComparison.Ordinal);
        return at > 0 && int.TryParse(eventType.AsSpan(at + 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? (eventType[..at], version)
            : (eventType, 1);
    }
}

/// <summary>An event's type name (or an upcaster it needs) is not registered in the <see cref="EventTypeRegistry"/>.</summary>
public sealed class UnknownEventTypeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="eventType">The unknown type name.</param>
    public UnknownEventTypeException(string eventType)
        : base($"Event type '{eventType}' is not registered; register it (and upcasters for old versions) in the EventTypeRegistry.")
    {
        EventType = eventType;
    }

    /// <summary>Creates the exception.</summary>
    public UnknownEventTypeException()
        : this(string.Empty)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public UnknownEventTypeException(string message, Exception innerException)
        : base(message, innerException)
    {
        EventType = string.Empty;
    }

    /// <summary>The unknown type name.</summary>
    public string EventType { get; }
}
