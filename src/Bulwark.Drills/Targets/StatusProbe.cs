namespace Bulwark.Drills.Targets;

/// <summary>A health probe's read of an endpoint, as a load balancer takes it: the status code, or 0 for no answer.</summary>
internal static class StatusProbe
{
    /// <summary>
    /// GETs <paramref name="path"/> and returns the status code; 0 when nothing answered in time, since no answer is as
    /// bad as a failing one for a probe. Cancelling <paramref name="cancellationToken"/> still throws.
    /// </summary>
    public static async Task<int> GetStatusAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
    }
}
