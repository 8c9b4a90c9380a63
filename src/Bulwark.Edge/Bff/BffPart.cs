using System.Text.Json.Nodes;

namespace Bulwark.Edge.Bff;

/// <summary>How much a screen depends on one of its parts.</summary>
public enum BffPartKind
{
    /// <summary>The screen cannot answer without it: its failure answers 503.</summary>
    Critical,

    /// <summary>The screen answers without it and names it in <c>degraded</c>.</summary>
    Optional,

    /// <summary>
    /// Optional, and about the caller: it runs only when the request carries credentials, and only its calls forward
    /// them. An anonymous caller gets no such part (not named in <c>degraded</c>: nothing is missing).
    /// </summary>
    Personal,
}

/// <summary>One part of a BFF screen: a name, how much the screen depends on it, and how it is fetched.</summary>
/// <param name="Name">The part's name, as in <c>degraded</c> and <c>Edge:Bff:{bff}:Parts</c>.</param>
/// <param name="Kind">Critical, optional or personal.</param>
/// <param name="Fetch">Reads the part from the backends through the call it is given; honour the token.</param>
/// <param name="Timeout">The part's own time limit, unless configuration says otherwise; <see langword="null"/> for the BFF's default.</param>
public sealed record BffPart(string Name, BffPartKind Kind, Func<BffCall, CancellationToken, Task<JsonNode?>> Fetch, TimeSpan? Timeout = null);
