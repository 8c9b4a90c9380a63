using System.Collections.Concurrent;

namespace Bulwark.Edge.Bff;

/// <summary>Which BFFs exist and which backends each may call (each pair has its own HTTP client and pipeline).</summary>
internal sealed class BffRegistry
{
    private readonly ConcurrentDictionary<(string Bff, string Backend), bool> _backends = new();
    private readonly ConcurrentDictionary<string, bool> _bffs = new(StringComparer.OrdinalIgnoreCase);

    public static string ClientName(string bff, string backend) => $"bff:{bff}:{backend}";

    /// <summary>The resilience pipeline (<c>Bulwark:Resilience:Pipelines:{name}</c>) and breaker of one BFF's calls to one backend.</summary>
    public static string PipelineName(string bff, string backend) => $"bff-{bff}-{backend}";

    public void AddBff(string bff) => _bffs.TryAdd(bff, true);

    public bool HasBff(string bff) => _bffs.ContainsKey(bff);

    public void Add(string bff, string backend) => _backends.TryAdd((bff.ToUpperInvariant(), backend.ToUpperInvariant()), true);

    public bool Has(string bff, string backend) => _backends.ContainsKey((bff.ToUpperInvariant(), backend.ToUpperInvariant()));
}
