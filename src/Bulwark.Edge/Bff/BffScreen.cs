using System.Text.Json.Nodes;

namespace Bulwark.Edge.Bff;

/// <summary>
/// An aggregation endpoint's description: the parts a screen is built from (fetched concurrently) and the shape that
/// turns them into exactly what that frontend shows. Presentation only: business rules stay in the services behind.
/// </summary>
public sealed class BffScreen
{
    private readonly List<BffPart> _parts = [];

    /// <summary>Starts a screen description.</summary>
    /// <param name="name">The screen's name (for example <c>home</c>), for logs and metrics.</param>
    /// <param name="shape">Builds the answer from the parts that arrived; a part that is missing reads as <see langword="null"/>.</param>
    public BffScreen(string name, Func<BffParts, JsonObject> shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(shape);
        Name = name;
        Shape = shape;
    }

    /// <summary>The screen's name.</summary>
    public string Name { get; }

    /// <summary>
    /// The screen's version, chosen by <c>Edge:Bff:{bff}:Screens:{name}</c> among the versions mapped on one route and
    /// sent back in <c>X-Bff-Screen-Version</c>.
    /// </summary>
    /// <value>The default value is <c>1</c>.</value>
    public string Version { get; init; } = "1";

    /// <summary>Builds the answer from the parts.</summary>
    public Func<BffParts, JsonObject> Shape { get; }

    /// <summary>The parts, in the order they were described.</summary>
    public IReadOnlyList<BffPart> Parts => _parts;

    /// <summary>Adds a part the screen cannot do without.</summary>
    /// <param name="name">The part's name.</param>
    /// <param name="fetch">Reads it.</param>
    /// <param name="timeout">Its time limit unless configured; <see langword="null"/> for the BFF's default.</param>
    /// <returns>This screen.</returns>
    public BffScreen Critical(string name, Func<BffCall, CancellationToken, Task<JsonNode?>> fetch, TimeSpan? timeout = null) =>
        Add(new BffPart(name, BffPartKind.Critical, fetch, timeout));

    /// <summary>Adds a part the screen can do without.</summary>
    /// <param name="name">The part's name.</param>
    /// <param name="fetch">Reads it.</param>
    /// <param name="timeout">Its time limit unless configured; <see langword="null"/> for the BFF's default.</param>
    /// <returns>This screen.</returns>
    public BffScreen Optional(string name, Func<BffCall, CancellationToken, Task<JsonNode?>> fetch, TimeSpan? timeout = null) =>
        Add(new BffPart(name, BffPartKind.Optional, fetch, timeout));

    /// <summary>Adds an optional part about the caller, read with the caller's own credentials (see <see cref="BffPartKind.Personal"/>).</summary>
    /// <param name="name">The part's name.</param>
    /// <param name="fetch">Reads it.</param>
    /// <param name="timeout">Its time limit unless configured; <see langword="null"/> for the BFF's default.</param>
    /// <returns>This screen.</returns>
    public BffScreen Personal(string name, Func<BffCall, CancellationToken, Task<JsonNode?>> fetch, TimeSpan? timeout = null) =>
        Add(new BffPart(name, BffPartKind.Personal, fetch, timeout));

    private BffScreen Add(BffPart part)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(part.Name);
        ArgumentNullException.ThrowIfNull(part.Fetch);
        if (_parts.Exists(p => string.Equals(p.Name, part.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"The screen '{Name}' already has a part called '{part.Name}'.", nameof(part));
        }

        _parts.Add(part);
        return this;
    }
}
