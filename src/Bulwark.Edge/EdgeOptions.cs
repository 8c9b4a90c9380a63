using System.ComponentModel.DataAnnotations;
using Bulwark.Edge.Cells;
using Bulwark.Edge.Operators;
using Bulwark.Edge.Release;
using Bulwark.Edge.Strangler;
using Microsoft.Extensions.Options;

namespace Bulwark.Edge;

/// <summary>The edge's configuration, bound from <c>Edge</c> and reloaded at runtime. See <c>docs/edge.md</c>.</summary>
public sealed class EdgeOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Edge";

    /// <summary>Named backends (base URLs) that strangler routes point at, e.g. <c>legacy</c> and <c>shop</c>.</summary>
    /// <value>The default value is empty.</value>
    public Dictionary<string, string> Backends { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Path-by-path routing between a legacy backend and the new one.</summary>
    [ValidateObjectMembers]
    public StranglerOptions Strangler { get; init; } = new();

    /// <summary>The release slots (blue, green, ...) that every path no strangler route claims goes to.</summary>
    [ValidateObjectMembers]
    public ReleaseOptions Release { get; init; } = new();

    /// <summary>Cells (Codex 30): customers spread over full shops with their own data; replaces the release slots' route.</summary>
    [ValidateObjectMembers]
    public CellsOptions Cells { get; init; } = new();

    /// <summary>Who may use the operator endpoints under <c>/edge</c>.</summary>
    [ValidateObjectMembers]
    public EdgeOperatorOptions Operator { get; init; } = new();

    /// <summary>How long the edge waits for a backend's answer to make progress before giving up.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan BackendActivityTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>Validates <see cref="EdgeOptions"/> with data annotations, nested objects included.</summary>
[OptionsValidator]
internal sealed partial class EdgeOptionsValidator : IValidateOptions<EdgeOptions>;
