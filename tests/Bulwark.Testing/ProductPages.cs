using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Bulwark.Testing;

/// <summary>The shop's composed product page (<c>/api/products/{id}/page</c>) as tests read it.</summary>
public static class ProductPages
{
    /// <summary>Reads the page, which must answer 200 (whole or degraded).</summary>
    /// <param name="client">A client of the shop.</param>
    /// <param name="id">The product id.</param>
    /// <returns>The page's JSON.</returns>
    public static async Task<JsonElement> GetAsync(HttpClient client, int id)
    {
        ArgumentNullException.ThrowIfNull(client);
        var ct = TestContext.Current.CancellationToken;
        using var response = await client.GetAsync(new Uri($"/api/products/{id}/page", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).Clone();
    }

    /// <summary>
    /// Reads the page until one answers whole (no degraded part), for tests whose premise is a healthy path. A cold
    /// shop's first call to an engine (JIT, a new connection) can overrun an optional part's budget on a loaded machine,
    /// and the page then rightly answers degraded; a shop that never serves a whole page still fails.
    /// </summary>
    /// <param name="client">A client of the shop.</param>
    /// <param name="id">The product id.</param>
    /// <param name="attempts">How many pages to read at most.</param>
    /// <returns>The first whole page.</returns>
    public static async Task<JsonElement> GetWholeAsync(HttpClient client, int id, int attempts = 5)
    {
        JsonElement page = default;
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            page = await GetAsync(client, id);
            if (page.GetProperty("degraded").GetArrayLength() == 0)
            {
                return page;
            }
        }

        Assert.Fail($"{attempts} pages in a row were degraded with every dependency healthy: {page}");
        return page;
    }
}
