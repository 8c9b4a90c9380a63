namespace Shop.Edge;

/// <summary>The edge's shipped demo secrets, refused outside Development (like the shop's <c>DemoSecrets</c>).</summary>
public static class EdgeDemoSecrets
{
    /// <summary>Every shipped demo secret the edge's configuration may hold.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { "demo-edge-key-change-me", "demo-admin-key-change-me", "drill-load" };

    /// <summary>Throws, naming every setting to change, when a shipped demo secret is configured.</summary>
    public static void ThrowIfConfigured(IConfiguration configuration, string environmentName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // As a value (an operator key) or as a dictionary key (a rate-limit key mapped to its tier).
        var found = configuration.AsEnumerable()
            .Where(e => (e.Value is not null && All.Contains(e.Value)) || All.Contains(e.Key[(e.Key.LastIndexOf(':') + 1)..]))
            .Select(e => e.Key).Order(StringComparer.Ordinal).ToList();
        if (found.Count > 0)
        {
            throw new InvalidOperationException(
                $"Refusing to start in the '{environmentName}' environment: shipped demo secrets are configured at {string.Join(", ", found)}. "
                + "Set your own operator keys there; demo secrets run only in Development. See docs/edge.md.");
        }
    }
}
