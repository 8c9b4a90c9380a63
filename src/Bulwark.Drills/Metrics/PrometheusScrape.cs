using System.Globalization;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.Metrics;

/// <summary>Reads counters from a target's Prometheus text endpoint (<c>/metrics</c>), on loopback only.</summary>
public static class PrometheusScrape
{
    /// <summary>
    /// The sum of every series of <paramref name="metric"/> whose labels contain each of <paramref name="labels"/>
    /// (e.g. <c>kind="product"</c>); 0 when the endpoint answers without the metric (a counter never incremented is not
    /// exported), null when the endpoint does not answer 200.
    /// </summary>
    /// <param name="metricsUrl">The scrape URL, e.g. <c>http://127.0.0.1:5100/metrics</c>.</param>
    /// <param name="metric">The exported name, e.g. <c>shop_catalog_cache_loads_total</c>.</param>
    /// <param name="labels">Label pairs each series must carry, written as in the exposition format.</param>
    /// <param name="cancellationToken">Cancels the scrape.</param>
    /// <exception cref="NonLoopbackTargetException"><paramref name="metricsUrl"/> is not on loopback.</exception>
    public static async Task<double?> SumAsync(Uri metricsUrl, string metric, IReadOnlyList<string> labels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metricsUrl);
        ArgumentException.ThrowIfNullOrEmpty(metric);
        ArgumentNullException.ThrowIfNull(labels);
        using var client = LoopbackHttp.CreateClient(LoopbackTarget.Ensure(metricsUrl), TimeSpan.FromSeconds(5));
        using var response = await client.GetAsync(metricsUrl, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return Sum(text, metric, labels);
    }

    /// <summary>The sum over <paramref name="exposition"/> as <see cref="SumAsync"/> describes it.</summary>
    public static double Sum(string exposition, string metric, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(exposition);
        ArgumentException.ThrowIfNullOrEmpty(metric);
        ArgumentNullException.ThrowIfNull(labels);
        var sum = 0d;
        foreach (var raw in exposition.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (!line.StartsWith(metric, StringComparison.Ordinal) || line.Length == metric.Length || line[metric.Length] is not ('{' or ' '))
            {
                continue;
            }

            var end = line.IndexOf('}', StringComparison.Ordinal);
            var labelText = line[metric.Length] == '{' && end > 0 ? line[(metric.Length + 1)..end] : string.Empty;
            if (!labels.All(l => labelText.Contains(l, StringComparison.Ordinal)))
            {
                continue;
            }

            // "name{labels} value [timestamp]": the value is the first field after the series.
            var rest = line[(end > 0 ? end + 1 : metric.Length)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (rest.Length > 0 && double.TryParse(rest[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                sum += value;
            }
        }

        return sum;
    }
}
