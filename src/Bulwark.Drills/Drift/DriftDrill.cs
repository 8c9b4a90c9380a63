using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.Drift;

/// <summary>
/// Drift (Codex 25, Immutable Infrastructure): changes a setting or a file under a running instance's release folder
/// and checks the instance reports it — on <c>/health/release</c>, as <c>bulwark_release_drift</c> and as a degraded
/// readiness check — then puts the file back.
/// </summary>
public sealed class DriftDrill : Drill<DriftOptions>
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private byte[]? _original;
    private string? _tampered;

    /// <summary>Creates the drill.</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public DriftDrill(DriftOptions? options = null)
        : base(new("drift", "Drift", "If someone changes a file or a setting on one running server by hand, do we find out — or does that server quietly differ from every other one until it fails?", ["25 Immutable Infrastructure"]), options)
    {
    }

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var folder = Options.ReleaseFolder ?? throw new DrillPreconditionException("This drill needs the release folder the target runs from: pass --release-folder <folder> (made by bulwark release build).");
        var manifest = Path.Combine(folder, "release.json");
        if (!File.Exists(manifest))
        {
            throw new DrillPreconditionException($"No release.json in {folder}: start the target from a release folder made by bulwark release build.");
        }

        var status = await ReadStatusAsync(context, cancellationToken).ConfigureAwait(false);
        using var file = JsonDocument.Parse(await File.ReadAllBytesAsync(manifest, cancellationToken).ConfigureAwait(false));
        var folderId = file.RootElement.GetProperty("releaseId").GetString();
        if (status.ReleaseId is null || !string.Equals(status.ReleaseId, folderId, StringComparison.Ordinal))
        {
            throw new DrillPreconditionException($"The target reports release '{status.ReleaseId ?? "none"}' but {folder} holds release '{folderId}': point --release-folder at the folder the target runs from.");
        }

        if (status.Drifted)
        {
            throw new DrillPreconditionException($"Release {status.ReleaseId} has drifted already, before the drill changed anything: replace the instance first.");
        }
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var time = context.TimeProvider;
        var before = await ReadStatusAsync(context, cancellationToken).ConfigureAwait(false);
        var path = Path.Combine(Options.ReleaseFolder!, Options.TamperFile);
        _original = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        _tampered = path;
        await File.WriteAllBytesAsync(path, Tamper(Options.TamperFile, _original, time), cancellationToken).ConfigureAwait(false);

        var started = time.GetTimestamp();
        TimeSpan? detected = null;
        var relative = Options.TamperFile.Replace(Path.DirectorySeparatorChar, '/');
        while (time.GetElapsedTime(started) <= Options.DetectWithin)
        {
            var status = await ReadStatusAsync(context, cancellationToken).ConfigureAwait(false);
            if (status.DriftPaths.Contains(relative))
            {
                detected = time.GetElapsedTime(started);
                break;
            }

            await Task.Delay(Options.PollInterval, time, cancellationToken).ConfigureAwait(false);
        }

        var metric = await ScrapeDriftAsync(context, cancellationToken).ConfigureAwait(false);
        var ready = await ReleaseCheckOnReadinessAsync(context, cancellationToken).ConfigureAwait(false);
        return DriftJudge.Judge(new DriftMeasurements(before.ReleaseId!, relative, detected, metric, ready), Options);
    }

    /// <inheritdoc />
    protected override async Task RestoreCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        if (_tampered is not null && _original is not null)
        {
            // The folder goes back as it was; the instance itself is due for replacement, not for this repair.
            await File.WriteAllBytesAsync(_tampered, _original, CancellationToken.None).ConfigureAwait(false);
            _tampered = null;
        }
    }

    private static byte[] Tamper(string file, byte[] original, TimeProvider time)
    {
        var stamp = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        if (file.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && JsonNode.Parse(original) is JsonObject settings)
        {
            // A setting someone "just tweaked" on one box: valid configuration, so the instance keeps running on it.
            settings["DriftDrill"] = new JsonObject { ["ChangedAt"] = stamp };
            return JsonSerializer.SerializeToUtf8Bytes(settings, Indented);
        }

        return [.. original, .. System.Text.Encoding.UTF8.GetBytes("\n# patched by the drift drill at " + stamp + "\n")];
    }

    private async Task<(string? ReleaseId, bool Drifted, HashSet<string> DriftPaths)> ReadStatusAsync(DrillContext context, CancellationToken cancellationToken)
    {
        using var client = LoopbackHttp.CreateClient(context.Target, TimeSpan.FromSeconds(5));
        using var response = await client.GetAsync(new Uri(Options.ReleasePath, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new DrillPreconditionException($"GET {Options.ReleasePath} answered {(int)response.StatusCode}: the target does not report its release (AddBulwarkRelease + MapBulwarkRelease).");
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        var root = json.RootElement;
        var paths = new HashSet<string>(StringComparer.Ordinal);
        if (root.TryGetProperty("drift", out var drift) && drift.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in drift.EnumerateArray())
            {
                paths.Add(entry.GetProperty("path").GetString() ?? string.Empty);
            }
        }

        var id = root.TryGetProperty("releaseId", out var releaseId) && releaseId.ValueKind == JsonValueKind.String ? releaseId.GetString() : null;
        return (id, paths.Count > 0, paths);
    }

    private async Task<double?> ScrapeDriftAsync(DrillContext context, CancellationToken cancellationToken)
    {
        using var client = LoopbackHttp.CreateClient(context.Target, TimeSpan.FromSeconds(5));
        var url = Options.MetricsUrl is { } metrics ? new Uri(LoopbackTarget.Ensure(metrics), "/metrics") : new Uri("/metrics", UriKind.Relative);
        using var response = await client.GetAsync(url, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("bulwark_release_drift", StringComparison.Ordinal) && !line.StartsWith("bulwark_release_drift_", StringComparison.Ordinal)
                && double.TryParse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }

        return null;
    }

    private async Task<string?> ReleaseCheckOnReadinessAsync(DrillContext context, CancellationToken cancellationToken)
    {
        using var client = LoopbackHttp.CreateClient(context.Target, TimeSpan.FromSeconds(5));
        using var response = await client.GetAsync(new Uri(Options.ReadyPath, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        return json.RootElement.TryGetProperty("checks", out var checks) && checks.TryGetProperty("release", out var release)
            ? release.GetProperty("status").GetString()
            : null;
    }
}
