using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shop.Externals.Hosting;
using Shop.Externals.LegacyShop;

namespace Shop.Externals.Tests;

/// <summary>
/// The legacy stand-in's catalogue is anonymous like the shop's own product reads, so its limits are what protect it:
/// a page is 1 to 100 items and a bad id or page is a 400 problem, never a 500 or an unbounded answer.
/// </summary>
public sealed class LegacyShopLimitsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/legacy/catalog/items?page_size=101")]
    [InlineData("/legacy/catalog/items?page_size=0")]
    [InlineData("/legacy/catalog/items?page=0")]
    [InlineData("/legacy/catalog/item/abc")]
    [InlineData("/legacy/catalog/item/-3")]
    public async Task Catalogue_OutOfRangePageOrBadId_Answers400Problem(string path)
    {
        await using var legacy = LegacyShopApp.Create("http://127.0.0.1:0");
        await legacy.StartAsync(Ct);
        using var client = new HttpClient { BaseAddress = legacy.BaseAddress() };

        using var response = await client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Catalogue_LargestPage_HasAtMostOneHundredRows()
    {
        await using var legacy = LegacyShopApp.Create("http://127.0.0.1:0");
        await legacy.StartAsync(Ct);
        using var client = new HttpClient { BaseAddress = legacy.BaseAddress() };

        var page = await client.GetFromJsonAsync<JsonElement>("/legacy/catalog/items?page_size=100", Ct);

        Assert.InRange(page.GetProperty("rows").GetArrayLength(), 1, 100);
    }
}
