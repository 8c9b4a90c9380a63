using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Edge.Strangler;

/// <summary>
/// Sends the copy of a live GET to the new side and compares the answers, off the customer's path: the customer already
/// has the legacy answer. At most <see cref="StranglerOptions.MaxConcurrentShadows"/> run at once; beyond that a
/// request is not shadowed, so a slow new side can never hold the edge's memory or sockets hostage.
/// </summary>
internal sealed partial class ShadowSender(
    IHttpClientFactory httpClientFactory,
    IOptionsMonitor<EdgeOptions> options,
    EdgeMetrics metrics,
    TimeProvider timeProvider,
    ILogger<ShadowSender> logger)
{
    public const string HttpClientName = "Bulwark.Edge.Shadow";
    private static readonly string[] CopiedHeaders = ["Accept", "Accept-Language", "Authorization"];
    private int _inFlight;

    /// <summary>Reserves a shadow slot; false when the limit is reached.</summary>
    public bool TryReserve()
    {
        var limit = options.CurrentValue.Strangler.MaxConcurrentShadows;
        if (Interlocked.Increment(ref _inFlight) <= limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    /// <summary>Gives back a slot reserved by <see cref="TryReserve"/> without sending.</summary>
    public void Release() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Sends the shadow, compares and records; always gives the slot back. Never throws.</summary>
    public async Task CompareAsync(StranglerRouteState route, ShadowRequest request, int legacyStatus, ReadOnlyMemory<byte> legacyBody)
    {
        try
        {
            var settings = options.CurrentValue;
            var comparison = await SendAndCompareAsync(route, request, legacyStatus, legacyBody, settings).ConfigureAwait(false);
            route.RecordShadow(comparison, request.PublicPathAndQuery, timeProvider.GetUtcNow());
            metrics.ShadowComparisons.Add(1, new TagList { { "route", route.Name }, { "outcome", comparison.Outcome.ToString() } });
            if (comparison.Outcome is not ShadowOutcome.Matched and not ShadowOutcome.Skipped)
            {
                LogMismatch(route.Name, request.PublicPathAndQuery, comparison.Outcome, comparison.Difference);
            }
        }
        finally
        {
            Release();
        }
    }

    private async Task<ShadowComparison> SendAndCompareAsync(
        StranglerRouteState route, ShadowRequest request, int legacyStatus, ReadOnlyMemory<byte> legacyBody, EdgeOptions settings)
    {
        if (!settings.Backends.TryGetValue(route.Options.New.Backend, out var backend))
        {
            return new ShadowComparison(ShadowOutcome.Failed, $"backend '{route.Options.New.Backend}' is not configured");
        }

        using var timeout = new CancellationTokenSource(settings.Strangler.ShadowTimeout, timeProvider);
        using var message = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(backend), request.NewPathAndQuery));
        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            var client = httpClientFactory.CreateClient(HttpClientName);
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.Content.Headers.ContentLength > settings.Strangler.MaxComparedBodyBytes)
            {
                return new ShadowComparison(ShadowOutcome.Skipped, null);
            }

            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            return body.Length > settings.Strangler.MaxComparedBodyBytes
                ? new ShadowComparison(ShadowOutcome.Skipped, null)
                : ShadowComparison.Compare(legacyStatus, legacyBody.Span, (int)response.StatusCode, body, route.Options.IgnoreFields);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return new ShadowComparison(ShadowOutcome.Failed, e.GetType().Name + ": " + e.Message);
        }
    }

    /// <summary>What the shadow needs from the live request, copied before the live request ends.</summary>
    internal sealed record ShadowRequest(string PublicPathAndQuery, string NewPathAndQuery, IReadOnlyList<KeyValuePair<string, string>> Headers)
    {
        public static IReadOnlyList<KeyValuePair<string, string>> CopyHeaders(Microsoft.AspNetCore.Http.IHeaderDictionary headers) =>
            [.. CopiedHeaders.Where(headers.ContainsKey).Select(h => KeyValuePair.Create(h, headers[h].ToString()))];
    }

    [LoggerMessage(EventId = EdgeEventIds.ShadowMismatch, Level = LogLevel.Information, Message = "Shadow {Route} {Path}: {Outcome} ({Difference})")]
    private partial void LogMismatch(string route, string path, ShadowOutcome outcome, string? difference);
}
