using Bulwark.ShopClient.Generated;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace Bulwark.ShopClient;

/// <summary>
/// The generated <see cref="ShopApiClient"/> over an <see cref="HttpClient"/> the caller owns (its handler, timeout and
/// default headers stay the caller's), plus a way to send a typed request and read the raw answer: drills judge
/// refusals by status, where the generated methods would throw.
/// </summary>
public sealed class ShopApi : IDisposable
{
    private readonly HttpClient _http;
    private readonly HttpClientRequestAdapter _adapter;

    /// <summary>A client for the shop at <paramref name="http"/>'s <see cref="HttpClient.BaseAddress"/>.</summary>
    /// <exception cref="ArgumentException">The client has no absolute base address.</exception>
    public ShopApi(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.BaseAddress is not { IsAbsoluteUri: true } root)
        {
            throw new ArgumentException("The HttpClient needs the shop's root as its BaseAddress, such as http://127.0.0.1:5100/.", nameof(http));
        }

        _http = http;
        // Who is calling stays in the HttpClient's or the request's headers: the drills decide that per request.
        _adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http)
        {
            BaseUrl = root.GetLeftPart(UriPartial.Authority),
        };
        Client = new ShopApiClient(_adapter);
    }

    /// <summary>The typed client: <c>Client.Api.Products["7"].GetAsync()</c> and so on, as the OpenAPI document says.</summary>
    public ShopApiClient Client { get; }

    /// <summary>
    /// Sends a request built by <see cref="Client"/> (<c>ToGetRequestInformation()</c> and the like) and returns the
    /// answer whatever its status. <paramref name="adjust"/> may add headers or replace the body (a hostile one).
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(RequestInformation request, Action<HttpRequestMessage>? adjust, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var message = await _adapter.ConvertToNativeRequestAsync<HttpRequestMessage>(request, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The Kiota adapter made no HttpRequestMessage of the request.");
        adjust?.Invoke(message);
        return await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _adapter.Dispose();
}
