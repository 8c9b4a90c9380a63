using System.Globalization;

namespace Shop.Host.Tests;

/// <summary>One scrape of the Prometheus text format: sample name to its (labels, value) series.</summary>
internal sealed class PrometheusScrape
{
    private readonly Dictionary<string, List<(string Labels, double Value)>> _samples;

    private PrometheusScrape(Dictionary<string, List<(string Labels, double Value)>> samples) => _samples = samples;

    public IReadOnlyCollection<string> Names => _samples.Keys;

    public static async Task<PrometheusScrape> FetchAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync("/metrics", cancellationToken);
        response.EnsureSuccessStatusCode();
        return Parse(await response.Content.ReadAsStringAsync(cancellationToken));
    }

    public static PrometheusScrape Parse(string text)
    {
        var samples = new Dictionary<string, List<(string, double)>>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            // name{labels} value [timestamp] — label values may hold spaces, so split on the closing brace first.
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var close = line.LastIndexOf('}');
            var name = brace >= 0 ? line[..brace] : line[..line.IndexOf(' ', StringComparison.Ordinal)];
            var labels = brace >= 0 ? line[(brace + 1)..close] : "";
            var rest = (brace >= 0 ? line[(close + 1)..] : line[name.Length..]).Trim().Split(' ');
            var value = double.Parse(rest[0], NumberStyles.Float, CultureInfo.InvariantCulture);
            if (!samples.TryGetValue(name, out var list))
            {
                samples[name] = list = [];
            }

            list.Add((labels, value));
        }

        return new PrometheusScrape(samples);
    }

    public bool Has(string name) => _samples.ContainsKey(name);

    public IReadOnlyList<(string Labels, double Value)> Series(string name) =>
        _samples.TryGetValue(name, out var list) ? list : [];

    /// <summary>The largest value of <paramref name="name"/> across its series, or null when absent.</summary>
    public double? Max(string name) => _samples.TryGetValue(name, out var list) ? list.Max(s => s.Value) : null;
}

/// <summary>
/// Tests that scrape the OpenTelemetry Prometheus endpoint run alone: with another shop host starting and scraping in
/// the same test process at the same time, a host was seen exporting only the process-wide (static) meters.
/// </summary>
[CollectionDefinition(nameof(ScrapeTests), DisableParallelization = true)]
public sealed class ScrapeTests;
