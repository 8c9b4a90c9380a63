using Microsoft.Extensions.Configuration;

namespace Shop.Infrastructure.Admin;

/// <summary>
/// The secrets shipped in appsettings.Development.json for the tour. Outside Development the shop refuses to start while
/// any of them is configured anywhere (as a value or as a dictionary key, such as a rate-limit API key).
/// </summary>
public static class DemoSecrets
{
    /// <summary>Every shipped demo secret.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        "demo-admin-key-change-me",
        "demo-fingerprint-secret-change-me-0123456789",
        "demo-signing-key-change-me-0123456789abcdef",
        "demo-partner-key",
        "drill-noisy",
        "drill-quiet-1",
        "drill-quiet-2",
        "drill-quiet-3",
        "drill-load",
        "ZGVtby1wc2V1ZG9ueW0ta2V5LWNoYW5nZS1tZS0wMTIzNDU2Nzg5YWJjZGVm",
    };

    /// <summary>The configuration paths that hold a shipped demo secret.</summary>
    public static IReadOnlyList<string> FindIn(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var found = new List<string>();
        foreach (var (path, value) in configuration.AsEnumerable())
        {
            var lastSegment = path[(path.LastIndexOf(':') + 1)..];
            if ((value is not null && All.Contains(value)) || All.Contains(lastSegment))
            {
                found.Add(path);
            }
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>Throws, naming every setting to change, when a shipped demo secret is configured.</summary>
    public static void ThrowIfConfigured(IConfiguration configuration, string environmentName)
    {
        var found = FindIn(configuration);
        if (found.Count > 0)
        {
            throw new InvalidOperationException(
                $"Refusing to start in the '{environmentName}' environment: shipped demo secrets are configured at {string.Join(", ", found)}. "
                + "Set your own secrets there (or remove those entries); demo secrets run only in Development. See docs/security.md.");
        }
    }
}
