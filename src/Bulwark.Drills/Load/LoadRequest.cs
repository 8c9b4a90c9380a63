namespace Bulwark.Drills.Load;

/// <summary>One request to send: a path relative to the run's target, so a request can never leave it.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path and query, relative to <see cref="LoadOptions.Target"/> (e.g. <c>/api/products/1</c>).</param>
/// <param name="Label">Groups samples for per-label figures (e.g. <c>browse</c>, <c>payments</c>, a caller's key).</param>
public sealed record LoadRequest(HttpMethod Method, string Path, string? Label = null)
{
    /// <summary>Extra request headers.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>A JSON body, sent as <c>application/json</c>.</summary>
    public string? JsonBody { get; init; }

    /// <summary>A GET of <paramref name="path"/>.</summary>
    public static LoadRequest Get(string path, string? label = null) => new(HttpMethod.Get, path, label);

    /// <summary>A POST of <paramref name="json"/> to <paramref name="path"/>.</summary>
    public static LoadRequest PostJson(string path, string json, string? label = null) => new(HttpMethod.Post, path, label) { JsonBody = json };

    /// <summary>
    /// A POST of <paramref name="json"/> to <paramref name="path"/> under a fresh <c>Idempotency-Key</c>: each request is
    /// a new operation to a service that demands keys (a retry of the same operation would reuse its key).
    /// </summary>
    public static LoadRequest PostJsonWithFreshKey(string path, string json, string? label = null) =>
        PostJson(path, json, label) with
        {
            Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Idempotency-Key"] = Guid.NewGuid().ToString("N") },
        };

    internal HttpRequestMessage ToMessage(Uri target, IReadOnlyDictionary<string, string>? defaultHeaders = null)
    {
        // "//elsewhere/x" or an absolute URI would resolve to another host: a request stays on its run's target.
        var uri = new Uri(target, Path);
        if (!string.Equals(uri.Authority, target.Authority, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"'{Path}' leaves the target {target}; load requests take a path relative to it.");
        }

        var message = new HttpRequestMessage(Method, uri);
        foreach (var (name, value) in Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        foreach (var (name, value) in defaultHeaders ?? new Dictionary<string, string>())
        {
            if (!Headers.ContainsKey(name))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (JsonBody is not null)
        {
            message.Content = new StringContent(JsonBody, System.Text.Encoding.UTF8, "application/json");
        }

        return message;
    }
}
