using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Shop.Identity.Contracts;
using Shop.Infrastructure.ServiceClients;

namespace Shop.Identity.Remote;

/// <summary>
/// <see cref="IIdentityApi"/> over HTTP, for a module running in its own process: the shop's <c>GET /api/users/{id}</c>
/// with an operator key. 404 is "no such user" (<see langword="null"/>, as in process); anything else that is not a
/// user — the shop down, slow, refusing the key — is an <see cref="HttpRequestException"/>, which a message handler lets
/// escape so the bus retries the message later instead of deciding on a guess.
/// </summary>
internal sealed class IdentityHttpClient(HttpClient http) : IIdentityApi
{
    public async Task<UserDto?> FindUserAsync(Guid userId, CancellationToken cancellationToken)
    {
        var path = new Uri(string.Create(CultureInfo.InvariantCulture, $"api/users/{userId}"), UriKind.Relative);
        try
        {
            using var response = await http.GetAsync(path, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException(
                    string.Create(CultureInfo.InvariantCulture, $"Identity answered {(int)response.StatusCode} for user {userId}; check Shop:Identity:Remote:ApiKey when it is 401 or 403."),
                    null,
                    response.StatusCode);
            }

            return await response.Content.ReadFromJsonAsync<UserDto>(cancellationToken)
                ?? throw new HttpRequestException($"Identity answered an empty body for user {userId}.");
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw ServiceCallTimeout.Exceeded("Identity", http, "Shop:Identity:Remote:Timeout", e);
        }
    }
}
