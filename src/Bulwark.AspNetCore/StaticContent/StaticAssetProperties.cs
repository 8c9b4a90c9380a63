using Microsoft.AspNetCore.StaticAssets;

namespace Bulwark.AspNetCore.StaticContent;

/// <summary>What the build wrote about an asset endpoint in the static asset manifest.</summary>
internal static class StaticAssetProperties
{
    // The build marks the content-hashed route of an asset with its hash and with the asset's plain name as its label.
    public static string? Fingerprint(StaticAssetDescriptor descriptor) => Value(descriptor, "fingerprint");

    public static string? Label(StaticAssetDescriptor descriptor) => Value(descriptor, "label");

    // A label ending .gz or .br names the precompressed file's own route; pages name the asset, whose route negotiates.
    public static bool IsFingerprinted(string route, string label) =>
        !label.EndsWith(".gz", StringComparison.Ordinal) && !label.EndsWith(".br", StringComparison.Ordinal) && !string.Equals(route, label, StringComparison.Ordinal);

    private static string? Value(StaticAssetDescriptor descriptor, string name) =>
        descriptor.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal))?.Value;
}
