using System.Globalization;
using System.Net.Http.Headers;

namespace Bulwark.ControlRoom.Hosting;

/// <summary>An answer read by <see cref="BoundedHttp"/>: the status and body, or why there was none.</summary>
/// <param name="Status">The HTTP status; 0 when there was no answer.</param>
/// <param name="Reason">The reason phrase.</param>
/// <param name="Body">The whole body (at most the cap).</param>
/// <param name="Failure">Why there was no answer (timeout with its setting, or the transport's message); null when answered.</param>
internal sealed record BoundedAnswer(int Status, string? Reason, byte[] Body, string? Failure);

/// <summary>
/// One JSON request from a panel to a server it only reads or commands (Prometheus, an edge): bounded in time and in
/// answer size, and never throwing for a server that is down or slow — the panel shows the failure instead.
/// </summary>
internal static class BoundedHttp
{
    /// <summary>
    /// The most a panel reads of one answer: thousands of alerts with their labels fit; a misconfigured URL serving
    /// something huge does not fill the memory.
    /// </summary>
    public const int MaxResponseBytes = 4 * 1024 * 1024;

    /// <summary>Sends <paramref name="request"/> and reads the whole answer within <paramref name="limit"/>.</summary>
    /// <param name="client">A client from the panel's named client.</param>
    /// <param name="request">The request (an Accept of JSON is added).</param>
    /// <param name="limit">The time bound.</param>
    /// <param name="limitSetting">The setting that sets <paramref name="limit"/>, named in the timeout's message.</param>
    /// <param name="cancellationToken">The page's token; its cancellation is not a failure and throws.</param>
    /// <returns>The answer, or why there was none.</returns>
    public static async Task<BoundedAnswer> SendAsync(HttpClient client, HttpRequestMessage request, TimeSpan limit, string limitSetting, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            client.MaxResponseContentBufferSize = MaxResponseBytes;
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            return new BoundedAnswer((int)response.StatusCode, response.ReasonPhrase, body, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new BoundedAnswer(0, null, [], string.Create(CultureInfo.InvariantCulture, $"no answer within {limit.TotalMilliseconds:F0} ms ({limitSetting})"));
        }
        catch (HttpRequestException e)
        {
            return new BoundedAnswer(0, null, [], e.Message);
        }
    }
}
