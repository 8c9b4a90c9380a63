using System.Globalization;
using System.Text.Json;
using Bulwark.ControlRoom.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.ControlRoom.Alerts;

/// <summary>
/// Reads the active alerts from a Prometheus-compatible <c>/api/v1/alerts</c> within <see cref="AlertsOptions.Timeout"/>.
/// A server that is down, slow or answering something else is a reading of its own (<see cref="AlertReading.Problem"/>),
/// never an exception: the page shows it and the other panels render as usual.
/// </summary>
internal sealed class PrometheusAlerts(IHttpClientFactory clients, IOptions<ControlRoomOptions> options)
{
    /// <summary>The named client (its handlers are the host's defaults for every client).</summary>
    public const string HttpClientName = "Bulwark.ControlRoom.Alerts";

    private readonly AlertsOptions _options = options.Value.Alerts;

    /// <summary>The configured server; <see langword="null"/> when the panel is not configured.</summary>
    public Uri? Server => _options.PrometheusUrl;

    /// <summary>Why <paramref name="options"/> are invalid, naming the key to fix; <see langword="null"/> when valid.</summary>
    public static string? Validate(AlertsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PrometheusUrl is { } url && !IsWeb(url))
        {
            return $"Bulwark:ControlRoom:Alerts:PrometheusUrl '{url}' must be an absolute http or https URL of a Prometheus server, e.g. http://127.0.0.1:9090, or be removed.";
        }

        if (options.RunbookBaseUrl is { } runbooks && !IsWeb(runbooks))
        {
            return $"Bulwark:ControlRoom:Alerts:RunbookBaseUrl '{runbooks}' must be an absolute http or https URL, or be removed.";
        }

        return options.Timeout < TimeSpan.FromMilliseconds(50) || options.Timeout > TimeSpan.FromSeconds(30) || options.MaxAlerts is < 1 or > 10_000
            ? "Bulwark:ControlRoom:Alerts is invalid: Timeout 00:00:00.050 to 00:00:30, MaxAlerts 1 to 10000."
            : null;
    }

    /// <summary>The alerts endpoint of <paramref name="server"/>.</summary>
    public static Uri AlertsUri(Uri server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var text = server.ToString();
        return new Uri(text.EndsWith('/') ? text + "api/v1/alerts" : text + "/api/v1/alerts");
    }

    /// <summary>The active (firing and pending) alerts, or why they could not be read.</summary>
    public async Task<AlertReading> ReadAsync(CancellationToken cancellationToken)
    {
        if (Server is not { } server)
        {
            return new AlertReading([], 0, "not configured");
        }

        var uri = AlertsUri(server);
        using var client = clients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        var answer = await BoundedHttp.SendAsync(client, request, _options.Timeout, "Bulwark:ControlRoom:Alerts:Timeout", cancellationToken).ConfigureAwait(false);
        if (answer.Failure is { } why)
        {
            return Unreachable(uri, why);
        }

        return answer.Status is >= 200 and <= 299
            ? Parse(answer.Body, _options.MaxAlerts, uri)
            : Unreachable(uri, string.Create(CultureInfo.InvariantCulture, $"it answered {answer.Status} {answer.Reason}"));
    }

    internal static AlertReading Parse(byte[] json, int maxAlerts, Uri uri)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "status") != "success"
                || !root.TryGetProperty("data", out var data) || !data.TryGetProperty("alerts", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                return Unreachable(uri, "it did not answer like Prometheus' /api/v1/alerts (status success, data.alerts)");
            }

            var alerts = list.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.Object).Select(Alert).ToList();
            var ordered = alerts
                .OrderBy(a => a.Firing ? 0 : 1)
                .ThenBy(a => SeverityRank(a.Severity))
                .ThenBy(a => a.ActiveAt ?? DateTimeOffset.MaxValue)
                .ThenBy(a => a.Name, StringComparer.Ordinal)
                .Take(maxAlerts)
                .ToList();
            return new AlertReading(ordered, alerts.Count, null);
        }
        catch (JsonException e)
        {
            return Unreachable(uri, $"its answer is not JSON ({e.Message})");
        }
    }

    private static ActiveAlert Alert(JsonElement alert)
    {
        var labels = Map(alert, "labels");
        var annotations = Map(alert, "annotations");
        var activeAt = DateTimeOffset.TryParse(Text(alert, "activeAt"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : (DateTimeOffset?)null;
        return new ActiveAlert(
            labels.GetValueOrDefault("alertname", "(unnamed)"),
            labels.GetValueOrDefault("severity", string.Empty),
            Text(alert, "state") == "firing",
            activeAt,
            annotations.GetValueOrDefault("summary") ?? annotations.GetValueOrDefault("description", string.Empty),
            annotations.GetValueOrDefault("runbook_url"),
            labels);
    }

    private static Dictionary<string, string> Map(JsonElement element, string property)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object)
        {
            foreach (var item in value.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
            {
                map[item.Name] = item.Value.GetString() ?? string.Empty;
            }
        }

        return map;
    }

    // The shop's rules page on critical and ticket on warning; other names sort after them, alphabetically by caller.
    private static int SeverityRank(string severity) => severity.ToUpperInvariant() switch
    {
        "CRITICAL" or "PAGE" => 0,
        "WARNING" or "TICKET" => 1,
        "INFO" => 2,
        _ => 3,
    };

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : string.Empty;

    private static AlertReading Unreachable(Uri uri, string why) => new([], 0, $"unreachable: {uri} — {why}");

    internal static bool IsWeb(Uri uri) => uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}

/// <summary>The alerts read, at most <see cref="AlertsOptions.MaxAlerts"/> of <paramref name="Total"/>, or the problem reading them.</summary>
internal sealed record AlertReading(IReadOnlyList<ActiveAlert> Alerts, int Total, string? Problem);

/// <summary>One active alert.</summary>
internal sealed record ActiveAlert(
    string Name, string Severity, bool Firing, DateTimeOffset? ActiveAt, string Summary, string? RunbookUrl, IReadOnlyDictionary<string, string> Labels);
