using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.TeamAutonomy;

/// <summary>
/// Team Autonomy (Codex 11, Backend for Frontend; structure checklist question 3): while customers browse the phone's
/// and the browser's home screens through the edge, the mobile team releases a new version of its screen (one more
/// field, composed from an API the core already serves) by the edge's runtime configuration. The new field must reach
/// phones, the core must answer from the same instance, release and schema before and after, and the browser's screen
/// must keep its shape. Without a BFF (phones calling the core's API) the release has nothing to change and the drill
/// fails: the field could only come from a core release.
/// </summary>
public sealed class TeamAutonomyDrill : IDrill
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly TeamAutonomyOptions _options;
    private byte[]? _originalConfig;

    /// <summary>Creates the drill.</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public TeamAutonomyDrill(TeamAutonomyOptions? options = null)
    {
        _options = options ?? new TeamAutonomyOptions();
        Validator.ValidateObject(_options, new ValidationContext(_options), validateAllProperties: true);
    }

    /// <inheritdoc />
    public string Name => "team-autonomy";

    /// <inheritdoc />
    public string Title => "Team Autonomy";

    /// <inheritdoc />
    public string Question => "Can the Mobile Team release a new feature without begging the Backend Team to change the core database schema?";

    /// <inheritdoc />
    public IReadOnlyList<string> Patterns { get; } = ["11 Backend for Frontend (BFF)"];

    private string Release => $"Edge:Bff:{_options.Bff}:Screens:{_options.Screen}={_options.Version}";

    /// <inheritdoc />
    public async Task ArrangeAsync(DrillContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var file = _options.EdgeConfigFile
            ?? throw new DrillSkippedException("needs the edge's runtime configuration file, where the mobile team releases its screen: pass --set team-autonomy.EdgeConfigFile=<the file given to the edge as --edge-config>.");
        if (_options.CoreUrl is null)
        {
            throw new DrillSkippedException("needs the core shop behind the edge, to read its instance and schema: pass --set team-autonomy.CoreUrl=http://127.0.0.1:<port>.");
        }

        LoopbackTarget.Ensure(_options.CoreUrl);
        if (!File.Exists(file) || JsonNode.Parse(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false)) is not JsonObject)
        {
            throw new DrillPreconditionException($"{file} is not a JSON object: point EdgeConfigFile at the file the edge was started with (--edge-config).");
        }

        _ = await ReadCoreAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new DrillPreconditionException($"The core at {_options.CoreUrl} did not answer {_options.ReleasePath} and {_options.SchemaPath} (the schema needs the admin key, CoreAdminKey).");
        using var client = LoopbackHttp.CreateClient(context.Target, TimeSpan.FromSeconds(30));
        var mobile = await ProbeAsync(client, context, _options.MobilePath, cancellationToken).ConfigureAwait(false);
        if (mobile.Status != 200)
        {
            throw new DrillPreconditionException($"GET {_options.MobilePath} on {context.Target} answered {mobile.Status}: the phone's screen must work before its release is tried.");
        }

        if (mobile.Body?[_options.FeatureField] is not null)
        {
            throw new DrillPreconditionException($"GET {_options.MobilePath} already carries '{_options.FeatureField}': the feature is live; take {Release} out of {file} first.");
        }

        _originalConfig = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DrillVerdict> ExerciseAsync(DrillContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var time = context.TimeProvider;
        var before = await ReadCoreAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new DrillPreconditionException($"The core at {_options.CoreUrl} stopped answering before the release.");

        var load = new LoadOptions
        {
            Target = context.Target,
            Mode = LoadMode.OpenLoop,
            RatePerSecond = _options.RatePerSecond,
            MaxRequests = (int)Math.Min(LoadOptions.RequestCap, Math.Ceiling(_options.RatePerSecond * _options.Duration.TotalSeconds)),
            MaxDuration = _options.Duration,
            DefaultHeaders = context.DefaultHeaders,
        };
        context.Recorder.Phase("customers browse");
        var customers = context.Load.RunAsync(load, i => i % 2 == 0 ? LoadRequest.Get(_options.MobilePath, "mobile") : LoadRequest.Get(_options.WebPath, "web"), cancellationToken);

        using var client = LoopbackHttp.CreateClient(context.Target, TimeSpan.FromSeconds(30));
        var started = time.GetTimestamp();
        var releaseAt = _options.Duration / 3;
        TimeSpan? releasedAt = null;
        TimeSpan? live = null;
        Shape? webBaseline = null;
        var (mobileAfterLive, mobileWithFeature, webCompared, webChanged) = (0, 0, 0, 0);
        string? webChange = null;
        while (!customers.IsCompleted)
        {
            var now = time.GetElapsedTime(started);
            if (releasedAt is null && now >= releaseAt)
            {
                context.Recorder.Phase("mobile release");
                await ReleaseAsync(cancellationToken).ConfigureAwait(false);
                releasedAt = time.GetElapsedTime(started);
            }

            var web = await ProbeAsync(client, context, _options.WebPath, cancellationToken).ConfigureAwait(false);
            if (web.Status == 200 && web.Body is JsonObject webBody)
            {
                var shape = Shape.Of(webBody);
                webBaseline ??= shape;
                if (shape.SameDegraded(webBaseline))
                {
                    webCompared++;
                    if (!shape.Paths.SetEquals(webBaseline.Paths))
                    {
                        webChanged++;
                        webChange ??= shape.Difference(webBaseline);
                    }
                }
            }

            var mobile = await ProbeAsync(client, context, _options.MobilePath, cancellationToken).ConfigureAwait(false);
            if (releasedAt is not null && mobile.Status == 200 && mobile.Body is JsonObject mobileBody)
            {
                var served = mobileBody[_options.FeatureField] is not null;
                if (live is null && served)
                {
                    live = time.GetElapsedTime(started) - releasedAt.Value;
                }

                if (live is not null)
                {
                    mobileAfterLive++;
                    // The new version answered with its part late or failed: named degraded, the release itself held.
                    mobileWithFeature += served || Shape.Of(mobileBody).Degraded.Contains(_options.FeatureField) ? 1 : 0;
                }
            }

            await Task.WhenAny(customers, Task.Delay(_options.ProbeInterval, time, cancellationToken)).ConfigureAwait(false);
        }

        var result = await customers.ConfigureAwait(false);
        var failures = result.Samples.LongCount(s => s.Failure != LoadFailure.None || s.StatusCode is < 200 or > 299);
        var after = await ReadCoreAsync(cancellationToken).ConfigureAwait(false);
        return TeamAutonomyJudge.Judge(
            new TeamAutonomyMeasurements(Release, before, after, live, mobileAfterLive, mobileWithFeature, webCompared, webChanged, webChange, result.Samples.Count, failures),
            _options);
    }

    /// <inheritdoc />
    public async Task RestoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        if (_originalConfig is not null && _options.EdgeConfigFile is { } file)
        {
            // The screen goes back to the version it served before: the drill's release was a rehearsal.
            await WriteAtomicallyAsync(file, _originalConfig).ConfigureAwait(false);
            _originalConfig = null;
        }
    }

    // The mobile team's release: one setting in the edge's own configuration, which the edge reloads while it serves.
    private async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        var file = _options.EdgeConfigFile!;
        var root = JsonNode.Parse(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false)) as JsonObject ?? [];
        var screens = Child(Child(Child(Child(root, "Edge"), "Bff"), _options.Bff), "Screens");
        screens[_options.Screen] = _options.Version;
        await WriteAtomicallyAsync(file, JsonSerializer.SerializeToUtf8Bytes(root, Indented)).ConfigureAwait(false);
    }

    private static JsonObject Child(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        parent[name] = created;
        return created;
    }

    // Written beside and moved over, so the edge's watcher never reads half a file.
    private static async Task WriteAtomicallyAsync(string file, byte[] content)
    {
        var temporary = file + ".team-autonomy.tmp";
        await File.WriteAllBytesAsync(temporary, content, CancellationToken.None).ConfigureAwait(false);
        File.Move(temporary, file, overwrite: true);
    }

    private static async Task<(int Status, JsonNode? Body)> ProbeAsync(HttpClient client, DrillContext context, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        foreach (var (name, value) in context.DefaultHeaders)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return ((int)response.StatusCode, response.IsSuccessStatusCode ? JsonNode.Parse(text) : null);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (0, null);
        }
    }

    private async Task<CoreIdentity?> ReadCoreAsync(CancellationToken cancellationToken)
    {
        using var client = LoopbackHttp.CreateClient(_options.CoreUrl!, TimeSpan.FromSeconds(30));
        try
        {
            using var release = await client.GetAsync(new Uri(_options.ReleasePath, UriKind.Relative), cancellationToken).ConfigureAwait(false);
            using var schemaRequest = new HttpRequestMessage(HttpMethod.Get, new Uri(_options.SchemaPath, UriKind.Relative));
            schemaRequest.Headers.TryAddWithoutValidation("X-Api-Key", _options.CoreAdminKey);
            using var schema = await client.SendAsync(schemaRequest, cancellationToken).ConfigureAwait(false);
            if (!release.IsSuccessStatusCode || !schema.IsSuccessStatusCode)
            {
                return null;
            }

            var status = JsonNode.Parse(await release.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            var modules = JsonNode.Parse(await schema.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) as JsonArray ?? [];
            // The versions each module's database has and its release knows: a migration or a core release moves them.
            var versions = modules.OfType<JsonObject>()
                .Select(m => $"{m["module"]}:{m["applied"]}:{m["known"]}:{m["floor"]}")
                .Order(StringComparer.Ordinal);
            var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', versions))));
            var instance = status?["instanceId"]?.GetValue<string>();
            return string.IsNullOrEmpty(instance)
                ? throw new DrillPreconditionException($"{_options.CoreUrl}{_options.ReleasePath.TrimStart('/')} names no instanceId: the core cannot show it was not restarted.")
                : new CoreIdentity(instance, status?["releaseId"]?.GetValue<string>(), fingerprint);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>An answer's shape: every field's path (array items merged), and the parts it names degraded.</summary>
    private sealed class Shape
    {
        private Shape(HashSet<string> paths, HashSet<string> degraded)
        {
            Paths = paths;
            Degraded = degraded;
        }

        public HashSet<string> Paths { get; }

        public HashSet<string> Degraded { get; }

        public static Shape Of(JsonObject body)
        {
            var paths = new HashSet<string>(StringComparer.Ordinal);
            Walk(body, "", paths);
            var degraded = body["degraded"] is JsonArray named
                ? named.Select(n => n?.ToString() ?? "").ToHashSet(StringComparer.OrdinalIgnoreCase)
                : [];
            return new Shape(paths, degraded);
        }

        // A screen with a different part degraded is missing that part by design, not changed in shape.
        public bool SameDegraded(Shape other) => Degraded.SetEquals(other.Degraded);

        public string Difference(Shape baseline)
        {
            var added = Paths.Except(baseline.Paths).Order(StringComparer.Ordinal).Take(3).ToList();
            var removed = baseline.Paths.Except(Paths).Order(StringComparer.Ordinal).Take(3).ToList();
            return $"added [{string.Join(", ", added)}], removed [{string.Join(", ", removed)}]";
        }

        private static void Walk(JsonNode? node, string path, HashSet<string> paths)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (name, child) in obj)
                    {
                        var childPath = path.Length == 0 ? name : $"{path}.{name}";
                        paths.Add(childPath);
                        Walk(child, childPath, paths);
                    }

                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        Walk(item, path + "[]", paths);
                    }

                    break;
                default:
                    break;
            }
        }
    }
}
