using Bulwark.ShopClient.Generated;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace Bulwark.ShopClient;

/// <summary>
/// Makes the generated <see cref="ShopApiClient"/> over an <see cref="HttpClient"/> the caller owns, so a drill keeps its
/// own handler, timeouts and default headers (a customer's bearer token, an operator's <c>X-Api-Key</c>).
/// </summary>
public static class ShopClients
{
    /// <summary>A typed client for the shop at <paramref name="http"/>'s <see cref="HttpClient.BaseAddress"/>.</summary>
    /// <exception cref="ArgumentException">The client has no absolute base address.</exception>
    public static ShopApiClient Create(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.BaseAddress is not { IsAbsoluteUri: true } root)
        {
            throw new ArgumentException("The HttpClient needs the shop's root as its BaseAddress, such as http://127.0.0.1:5100/.", nameof(http));
        }

        // Authentication stays in the HttpClient's headers: the drills decide per client who is calling.
        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http)
        {
            BaseUrl = root.GetLeftPart(UriPartial.Authority),
        };
        return new ShopApiClient(adapter);
    }

    /// <summary>
    /// The path and query a request builder addresses (e.g. <c>/api/products/7</c>), for callers that send raw requests
    /// at a measured rate (the load generator) yet take the address from the document rather than a built string.
    /// </summary>
    public static string PathOf(RequestInformation request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.URI.PathAndQuery;
    }
}
