using System.ComponentModel.DataAnnotations;

namespace Bulwark.Edge.Operators;

/// <summary>The keys that open the edge's operator endpoints (<c>/edge/...</c>).</summary>
public sealed class EdgeOperatorOptions
{
    /// <summary>The request header that carries the key.</summary>
    /// <value>The default value is <c>X-Api-Key</c>.</value>
    [Required]
    public string HeaderName { get; init; } = "X-Api-Key";

    /// <summary>The accepted keys; with none, every operator call is refused.</summary>
    /// <value>The default value is empty: no operator can call.</value>
    public List<string> ApiKeys { get; init; } = [];
}
