using System.Globalization;
using System.Text.Json;
using Bulwark.ControlRoom.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.ControlRoom.Edge;

/// <summary>
/// Talks to a Bulwark edge's operator API: reads <c>GET /edge/release</c> within <see cref="EdgePanelOptions.Timeout"/> and
/// posts the canary commands. Over HTTP rather than a reference to <c>Bulwark.Edge</c>: the edge is its own process
/// (often several), and this library stays free of YARP. An edge that is down, slow, refusing the key or answering
/// something else is a reading of its own (<see cref="EdgeReading.Problem"/>), never an exception.
/// </summary>
internal sealed class EdgeRelease(IHttpClientFactory clients, IOptions<ControlRoomOptions> options)
{
    /// <summary>The named client (its handlers are the host's defaults for every client).</summary>
    public const string HttpClientName = "Bulwark.ControlRoom.Edge";

    /// <summary>The canary commands the panel may send, by the edge's route segment.</summary>
    public static readonly IReadOnlySet<string> Commands = new HashSet<string>(StringComparer.Ordinal) { "step", "promote", "rollback", "analyse" };

    // 200 decisions with their state and detail are well under 1 MiB; an address serving something huge does not fill memory.

    private readonly EdgePanelOptions _options = options.Value.Edge;

    /// <summary>The configured edge; <see langword="null"/> when the panel is not configured.</summary>
    public Uri? Edge => _options.Url;

    /// <summary>Why <paramref name="options"/> are invalid, naming the key to fix; <see langword="null"/> when valid.</summary>
    public static string? Validate(EdgePanelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Url is { } url && !(url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)))
        {
            return $"Bulwark:ControlRoom:Edge:Url '{url}' must be an absolute http or https URL of a Bulwark edge, e.g. http://127.0.0.1:5080, or be removed.";
        }

        if (options.Url is not null && string.IsNullOrWhiteSpace(options.ApiKey))
        {
            return "Bulwark:ControlRoom:Edge:ApiKey is required with Bulwark:ControlRoom:Edge:Url: set it to one of the edge's Edge:Operator:ApiKeys.";
        }

        if (string.IsNullOrWhiteSpace(options.HeaderName) || options.HeaderName.Any(c => c <= ' ' || c >= 127 || c == ':'))
        {
            return $"Bulwark:ControlRoom:Edge:HeaderName '{options.HeaderName}' must be an HTTP header name (the edge's Edge:Operator:HeaderName, X-Api-Key by default).";
        }

        return options.Timeout < TimeSpan.FromMilliseconds(50) || options.Timeout > TimeSpan.FromSeconds(30)
            || options.ActionTimeout < TimeSpan.FromMilliseconds(50) || options.ActionTimeout > TimeSpan.FromMinutes(1) || options.MaxDecisions is < 1 or > 200
            ? "Bulwark:ControlRoom:Edge is invalid: Timeout 00:00:00.050 to 00:00:30, ActionTimeout 00:00:00.050 to 00:01:00, MaxDecisions 1 to 200."
            : null;
    }

    /// <summary>The edge's release state, or why it could not be read.</summary>
    public async Task<EdgeReading> ReadAsync(CancellationToken cancellationToken)
    {
        if (Edge is null)
        {
            return EdgeReading.Failed("not configured");
        }

        var answer = await SendAsync(HttpMethod.Get, "edge/release", _options.Timeout, "Timeout", cancellationToken).ConfigureAwait(false);
        if (answer.Problem is { } problem)
        {
            return EdgeReading.Failed(problem);
        }

        return answer.Status is >= 200 and < 300
            ? Parse(answer.Body, _options.MaxDecisions, answer.Uri)
            : EdgeReading.Failed(Refusal(answer));
    }

    /// <summary>
    /// Sends one canary command (<see cref="Commands"/>) and says in one sentence what the edge did, or why it did not
    /// (its problem detail and status, e.g. a 409 when no canary is in progress).
    /// </summary>
    public async Task<string> CommandAsync(string command, CancellationToken cancellationToken)
    {
        if (!Commands.Contains(command))
        {
            throw new ArgumentOutOfRangeException(nameof(command), command, "Not an edge canary command.");
        }

        if (Edge is null)
        {
            return "No edge is configured (Bulwark:ControlRoom:Edge:Url); nothing was sent.";
        }

        var answer = await SendAsync(HttpMethod.Post, "edge/release/canary/" + command, _options.ActionTimeout, "ActionTimeout", cancellationToken).ConfigureAwait(false);
        if (answer.Problem is { } problem)
        {
            // Sent but unanswered: the edge may have acted. The page's next refresh shows its state.
            return $"The edge did not confirm the {command}: {problem}. It may or may not have acted; its state below is the truth.";
        }

        if (answer.Status is < 200 or >= 300)
        {
            return $"The edge refused the {command}: {Refusal(answer)}.";
        }

        var detail = Describe(answer.Body, command);
        return $"Edge: {detail}";
    }

    internal static EdgeReading Parse(byte[] json, int maxDecisions, Uri uri)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("decisions", out var decisions) || decisions.ValueKind != JsonValueKind.Array)
            {
                return EdgeReading.Failed($"unreachable: {uri} did not answer like a Bulwark edge's /edge/release (state, decisions)");
            }

            var state = root.TryGetProperty("state", out var s) && s.ValueKind == JsonValueKind.Object ? State(s) : null;
            var step = Windows(root, "step");
            var rollout = Windows(root, "rollout");
            var slots = root.TryGetProperty("slots", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Select(e => new EdgeSlot(Text(e, "name"), Text(e, "role"), Long(e, "inFlight"))).ToList()
                : [.. step.Keys.Union(rollout.Keys, StringComparer.OrdinalIgnoreCase).Select(name => new EdgeSlot(name, Role(name, state), 0))];
            var all = decisions.EnumerateArray().Where(d => d.ValueKind == JsonValueKind.Object).Select(Decision).ToList();
            CanarySettings? canary = root.TryGetProperty("canary", out var c) && c.ValueKind == JsonValueKind.Object
                ? new CanarySettings(
                    c.TryGetProperty("steps", out var steps) && steps.ValueKind == JsonValueKind.Array ? [.. steps.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Number).Select(x => x.GetDouble())] : [],
                    (int)Long(c, "minSample"), Double(c, "maxErrorRate"), Duration(c, "maxP99"), (int)Long(c, "failureLimit"))
                : null;
            var blast = root.TryGetProperty("blastRadius", out var b) && b.ValueKind == JsonValueKind.Object ? new EdgeWindow(Long(b, "requests"), Long(b, "errors"), null) : null;
            return new EdgeReading(state, slots, step, rollout, canary, blast, [.. Enumerable.Reverse(all).Take(maxDecisions)], all.Count, null);
        }
        catch (JsonException e)
        {
            return EdgeReading.Failed($"unreachable: {uri} — its answer is not JSON ({e.Message})");
        }
    }

    private async Task<Answer> SendAsync(HttpMethod method, string path, TimeSpan limit, string limitKey, CancellationToken cancellationToken)
    {
        var uri = new Uri(Edge!.ToString().TrimEnd('/') + "/" + path);
        using var client = clients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.TryAddWithoutValidation(_options.HeaderName, _options.ApiKey);
        var answer = await BoundedHttp.SendAsync(client, request, limit, "Bulwark:ControlRoom:Edge:" + limitKey, cancellationToken).ConfigureAwait(false);
        return new Answer(uri, answer.Status, answer.Reason, answer.Body, answer.Failure is { } why ? $"unreachable: {uri} — {why}" : null);
    }

    // A problem-details answer says why in its detail; a 401/403 names the setting to fix.
    private static string Refusal(Answer answer)
    {
        var detail = ProblemDetail(answer.Body);
        var status = string.Create(CultureInfo.InvariantCulture, $"{answer.Status} {answer.Reason}");
        return answer.Status switch
        {
            401 or 403 => $"the edge at {answer.Uri.GetLeftPart(UriPartial.Authority)} refused the Control Room's key ({status}){(detail is null ? string.Empty : ": " + detail)}; set Bulwark:ControlRoom:Edge:ApiKey to one of the edge's Edge:Operator:ApiKeys",
            _ => detail is null ? $"{answer.Uri} answered {status}" : $"{detail} ({status})",
        };
    }

    private static string? ProblemDetail(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && Text(document.RootElement, "detail") is { Length: > 0 } detail
                ? detail[..Math.Min(detail.Length, 300)]
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // A command's answer: a ReleaseResult's detail, or for an analysis the decision and its reason.
    private static string Describe(byte[] body, string command)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && Text(root, "kind") is { Length: > 0 } kind)
            {
                return $"analysis decided {kind}: {Text(root, "reason")}";
            }

            if (root.ValueKind == JsonValueKind.Object && Text(root, "detail") is { Length: > 0 } detail)
            {
                return detail;
            }
        }
        catch (JsonException)
        {
        }

        return $"the {command} was accepted.";
    }

    private static EdgeReleaseState State(JsonElement state) => new(
        Text(state, "live"),
        state.TryGetProperty("canary", out var canary) && canary.ValueKind == JsonValueKind.String ? canary.GetString() : null,
        Double(state, "weight"),
        (int)Long(state, "step"),
        (int)Long(state, "failures"),
        Text(state, "phase"));

    private static EdgeDecision Decision(JsonElement decision)
    {
        var at = DateTimeOffset.TryParse(Text(decision, "at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when) ? when : (DateTimeOffset?)null;
        var state = decision.TryGetProperty("state", out var s) && s.ValueKind == JsonValueKind.Object ? State(s) : null;
        var figures = decision.TryGetProperty("figures", out var f) && f.ValueKind == JsonValueKind.Object ? Window(f) : null;
        return new EdgeDecision(at, Text(decision, "action"), Text(decision, "detail"), state, figures);
    }

    private static Dictionary<string, EdgeWindow> Windows(JsonElement root, string property)
    {
        var windows = new Dictionary<string, EdgeWindow>(StringComparer.OrdinalIgnoreCase);
        if (root.TryGetProperty(property, out var map) && map.ValueKind == JsonValueKind.Object)
        {
            foreach (var slot in map.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object))
            {
                windows[slot.Name] = Window(slot.Value);
            }
        }

        return windows;
    }

    private static EdgeWindow Window(JsonElement window) => new(Long(window, "requests"), Long(window, "errors"), Duration(window, "p99"));

    private static string Role(string slot, EdgeReleaseState? state) =>
        string.Equals(slot, state?.Live, StringComparison.OrdinalIgnoreCase) ? "live" : string.Equals(slot, state?.Canary, StringComparison.OrdinalIgnoreCase) ? "canary" : "idle";

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : string.Empty;

    private static long Long(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : 0;

    private static double Double(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;

    // System.Text.Json writes a TimeSpan as "d.hh:mm:ss.fffffff"; the edge's "more than its last bucket" is TimeSpan.MaxValue.
    private static TimeSpan? Duration(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
        && TimeSpan.TryParse(value.GetString(), CultureInfo.InvariantCulture, out var duration) ? duration : null;

    private sealed record Answer(Uri Uri, int Status, string? Reason, byte[] Body, string? Problem);
}

/// <summary>The edge's release as read, or the problem reading it.</summary>
internal sealed record EdgeReading(
    EdgeReleaseState? State,
    IReadOnlyList<EdgeSlot> Slots,
    IReadOnlyDictionary<string, EdgeWindow> Step,
    IReadOnlyDictionary<string, EdgeWindow> Rollout,
    CanarySettings? Canary,
    EdgeWindow? BlastRadius,
    IReadOnlyList<EdgeDecision> Decisions,
    int TotalDecisions,
    string? Problem)
{
    public static EdgeReading Failed(string problem) =>
        new(null, [], new Dictionary<string, EdgeWindow>(), new Dictionary<string, EdgeWindow>(), null, null, [], 0, problem);
}

/// <summary>Who serves: the live slot and the canary at its weight and step.</summary>
internal sealed record EdgeReleaseState(string Live, string? Canary, double Weight, int Step, int Failures, string Phase);

/// <summary>A configured slot, its role (live, canary, idle) and its requests in flight.</summary>
internal sealed record EdgeSlot(string Name, string Role, long InFlight);

/// <summary>A slot's requests, errors and p99 over a window (this step, or this rollout).</summary>
internal sealed record EdgeWindow(long Requests, long Errors, TimeSpan? P99)
{
    public double ErrorRate => Requests == 0 ? 0 : (double)Errors / Requests;
}

/// <summary>The edge's canary steps and analysis thresholds.</summary>
internal sealed record CanarySettings(IReadOnlyList<double> Steps, int MinSample, double MaxErrorRate, TimeSpan? MaxP99, int FailureLimit);

/// <summary>One logged release decision; <see cref="Figures"/> are what an analysis judged.</summary>
internal sealed record EdgeDecision(DateTimeOffset? At, string Action, string Detail, EdgeReleaseState? State, EdgeWindow? Figures);
