using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Bulwark.Edge.Strangler;

/// <summary>Path-by-path routing between a legacy backend and the new one (Codex 07), with shadow comparison.</summary>
public sealed class StranglerOptions
{
    /// <summary>The strangled routes by name; a route's name appears in metrics, logs and the operator endpoints.</summary>
    /// <value>The default value is empty: no path is strangled.</value>
    public Dictionary<string, StranglerRouteOptions> Routes { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Shadow requests in flight at once; a live request that would exceed it is not shadowed (counted as skipped).</summary>
    /// <value>The default value is 16.</value>
    [Range(1, 1024)]
    public int MaxConcurrentShadows { get; init; } = 16;

    /// <summary>The largest answer (either side) that is compared; a larger one counts as skipped, never buffered.</summary>
    /// <value>The default value is 256 KiB.</value>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxComparedBodyBytes { get; init; } = 256 * 1024;

    /// <summary>How long a shadow request to the new side may take before it counts as a failed comparison.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ShadowTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A route flipped to the new side whose legacy side saw no request for this long may be removed (Zombie).</summary>
    /// <value>The default value is 7 days.</value>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan ZombieWindow { get; init; } = TimeSpan.FromDays(7);
}

/// <summary>One strangled path: who serves it now, how each side spells it, and whether the new side is shadowed.</summary>
public sealed class StranglerRouteOptions
{
    /// <summary>The public path clients call, in route-template syntax (e.g. <c>/catalog/product/{id}</c>); old URLs keep working.</summary>
    [Required]
    public string Path { get; init; } = string.Empty;

    /// <summary>Which side serves live traffic.</summary>
    /// <value>The default value is <see cref="StranglerSide.Legacy"/>.</value>
    public StranglerSide Target { get; init; } = StranglerSide.Legacy;

    /// <summary>The legacy side: a backend name and the path it expects.</summary>
    [Required]
    [ValidateObjectMembers]
    public StranglerEndpointOptions Legacy { get; init; } = new();

    /// <summary>The new side: a backend name and the path it expects (route values such as <c>{id}</c> are filled in).</summary>
    [Required]
    [ValidateObjectMembers]
    public StranglerEndpointOptions New { get; init; } = new();

    /// <summary>While legacy serves, send a copy of each GET to the new side and compare the answers. Writes are never shadowed.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Shadow { get; init; }

    /// <summary>Fields left out of the comparison (names compared case-, underscore- and dash-insensitively), e.g. a legacy-only flag.</summary>
    /// <value>The default value is empty.</value>
    public List<string> IgnoreFields { get; init; } = [];

    /// <summary>
    /// When set, the new side's JSON answers are reshaped into the legacy side's shape (names, renamed and omitted
    /// fields) before they reach the client, so callers of the old URL keep the shape they were built against after a
    /// flip. Without it a flipped route answers in the new shape.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (no reshaping).</value>
    public LegacyShapeOptions? LegacyShape { get; init; }
}

/// <summary>How the new side's JSON is reshaped for callers of a legacy URL (<see cref="StranglerRouteOptions.LegacyShape"/>).</summary>
public sealed class LegacyShapeOptions
{
    /// <summary>How every property name is spelled.</summary>
    /// <value>The default value is <see cref="LegacyNaming.SnakeCase"/>.</value>
    public LegacyNaming Naming { get; init; } = LegacyNaming.SnakeCase;

    /// <summary>
    /// Properties given another name, new name → legacy name (e.g. <c>items</c> → <c>rows</c>); keys matched case-,
    /// underscore- and dash-insensitively, values written as given.
    /// </summary>
    /// <value>The default value is empty.</value>
    public Dictionary<string, string> Rename { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>New-only properties the legacy shape never had (matched like <see cref="Rename"/>'s keys), left out at any depth.</summary>
    /// <value>The default value is empty.</value>
    public List<string> Omit { get; init; } = [];

    /// <summary>The largest answer reshaped; a larger one passes through in the new shape and is counted.</summary>
    /// <value>The default value is 1 MiB.</value>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBodyBytes { get; init; } = 1024 * 1024;
}

/// <summary>How a legacy shape spells property names.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LegacyNaming>))]
public enum LegacyNaming
{
    /// <summary>As the new side spells them.</summary>
    AsIs,

    /// <summary><c>priceCents</c> → <c>price_cents</c>.</summary>
    SnakeCase,
}

/// <summary>A side of a strangled route.</summary>
public sealed class StranglerEndpointOptions
{
    /// <summary>The backend's name in <c>Edge:Backends</c>.</summary>
    [Required]
    public string Backend { get; init; } = string.Empty;

    /// <summary>The path on that backend, with the public path's route values, e.g. <c>/api/products/{id}</c>.</summary>
    [Required]
    public string Path { get; init; } = string.Empty;
}

/// <summary>Which side of a strangled route serves live traffic.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StranglerSide>))]
public enum StranglerSide
{
    /// <summary>The legacy application.</summary>
    Legacy,

    /// <summary>The new system.</summary>
    New,
}
