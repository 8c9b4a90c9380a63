using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bulwark.Edge.Bff;

/// <summary>
/// A part's way to its backends: each call goes through the BFF's own pipeline for that backend, carries the request's
/// deadline and the caller's address, and carries the caller's credentials only for a personal part.
/// </summary>
public sealed class BffCall
{
    private readonly IHttpClientFactory _clients;
    private readonly IOptionsMonitor<EdgeOptions> _edge;
    private readonly BffRegistry _registry;
    private readonly string _bff;
    private readonly HttpContext _caller;
    private readonly IReadOnlyList<string> _credentialHeaders;

    internal BffCall(IHttpClientFactory clients, IOptionsMonitor<EdgeOptions> edge, BffRegistry registry, string bff, HttpContext caller, IReadOnlyList<string> credentialHeaders)
    {
        _clients = clients;
        _edge = edge;
        _registry = registry;
        _bff = bff;
        _caller = caller;
        _credentialHeaders = credentialHeaders;
    }

    /// <summary>Reads JSON from <paramref name="pathAndQuery"/> on the backend <paramref name="backend"/> (a name in <c>Edge:Backends</c>).</summary>
    /// <param name="backend">The backend's name; the BFF must have been registered with it (<see cref="IBffBuilder.WithBackend"/>).</param>
    /// <param name="pathAndQuery">The path and query on that backend, such as <c>/api/products?page=1</c>.</param>
    /// <param name="cancellationToken">The part's token (its timeout and the request's).</param>
    /// <returns>The answer's JSON; <see langword="null"/> for an empty body.</returns>
    /// <exception cref="HttpRequestException">The backend answered with a status outside 2xx (the status is on the exception).</exception>
    public async Task<JsonNode?> GetJsonAsync(string backend, string pathAndQuery, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backend);
        ArgumentException.ThrowIfNullOrWhiteSpace(pathAndQuery);
        if (!_registry.Has(_bff, backend))
        {
            throw new InvalidOperationException($"The BFF '{_bff}' has no pipeline for the backend '{backend}'; register it with AddBulwarkBff(\"{_bff}\", ...).WithBackend(\"{backend}\").");
        }

        // Read per call: Edge:Backends reloads at runtime like the rest of the edge's configuration.
        if (!_edge.CurrentValue.Backends.TryGetValue(backend, out var baseUrl) || !Uri.TryCreate(baseUrl, UriKind.Absolute, out var baseUri))
        {
            throw new InvalidOperationException($"Edge:Backends:{backend} is not set to an absolute URL; the BFF '{_bff}' needs it.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, pathAndQuery));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        // The edge is the outermost hop, as for proxied requests: the shop counts and logs the customer, not the edge.
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", _caller.Connection.RemoteIpAddress?.ToString());
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", _caller.Request.Scheme);
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", _caller.Request.Host.Value);
        foreach (var header in _credentialHeaders)
        {
            if (_caller.Request.Headers.TryGetValue(header, out var value))
            {
                request.Headers.TryAddWithoutValidation(header, (IEnumerable<string?>)value);
            }
        }

        using var response = await _clients.CreateClient(BffRegistry.ClientName(_bff, backend))
            .SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"{backend} answered {(int)response.StatusCode} to GET {request.RequestUri!.PathAndQuery}.", inner: null, response.StatusCode);
        }

        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return null;
        }

        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            return await JsonNode.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}
