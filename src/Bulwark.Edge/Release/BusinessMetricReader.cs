using System.Globalization;

namespace Bulwark.Edge.Release;

/// <summary>
/// Reads a slot's business counters from its own Prometheus endpoint: cumulative "good" and "bad" outcomes since that
/// process started, whichever edge instance (or none) the requests came through.
/// </summary>
internal sealed class BusinessMetricReader(IHttpClientFactory httpClientFactory)
{
    /// <summary>The named HTTP client the reads use.</summary>
    public const string ClientName = "Bulwark.Edge.BusinessMetric";

    /// <summary>The slot's cumulative counters, or why they could not be read.</summary>
    public async Task<(BusinessCounts? Counts, string? Error)> ReadAsync(ReleaseOptions options, string slot, CancellationToken cancellationToken)
    {
        var metric = options.Canary.Business;
        if (!PrometheusSelector.TryParse(metric.Bad, out var bad, out _) || !PrometheusSelector.TryParse(metric.Good, out var good, out _))
        {
            return (null, "the business metric's selectors do not parse");
        }

        var url = MetricsUrl(options, slot);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(metric.Timeout);
        string text;
        try
        {
            using var response = await httpClientFactory.CreateClient(ClientName).GetAsync(url, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return (null, string.Create(CultureInfo.InvariantCulture, $"{slot}'s {url} answered {(int)response.StatusCode}"));
            }

            text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (null, $"{slot}'s {url} did not answer ({e.GetType().Name})");
        }

        // A counter not yet incremented is absent from the scrape: that is zero outcomes, not an unreadable metric.
        return (new BusinessCounts((long)(good!.Sum(text) ?? 0), (long)(bad!.Sum(text) ?? 0)), null);
    }

    /// <summary>The slot's metrics URL: its entry in <c>MetricsUrls</c>, else its base URL + <c>MetricsPath</c>.</summary>
    public static Uri MetricsUrl(ReleaseOptions options, string slot) =>
        options.Canary.Business.MetricsUrls.TryGetValue(slot, out var url)
            ? new Uri(url)
            : new Uri(new Uri(options.Slots[slot]), options.Canary.Business.MetricsPath);
}
