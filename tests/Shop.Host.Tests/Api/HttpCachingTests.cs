using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Shop.Host.Tests.Api;

/// <summary>
/// Issue 16, item 4, on the real host: the catalogue's reads carry validators and <c>Cache-Control</c> and answer a
/// matching <c>If-None-Match</c> with 304 and no body; personal answers and problems are never stored. The rules
/// themselves are checked by npm's http-cache-semantics in eng/api-tools/check.sh; these pin what the shop sends.
/// </summary>
public sealed class HttpCachingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/api/products/3", false)]
    [InlineData("/api/products?page=1&pageSize=10", true)]
    public async Task CatalogueRead_IfNoneMatchCurrentTag_Answers304WithTheSameValidatorAndNoBody(string path, bool weak)
    {
        await using var shop = await RunningShop.StartAsync();
        using var first = await shop.Client.GetAsync(path, Ct);
        var etag = first.Headers.ETag;

        using var again = await GetAsync(shop.Client, path, etag);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotNull(etag);
        Assert.Equal(weak, etag.IsWeak);
        Assert.Equal("public, no-cache", first.Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Equal(etag, again.Headers.ETag);
        Assert.Equal("public, no-cache", again.Headers.CacheControl?.ToString());
        Assert.Empty(await again.Content.ReadAsByteArrayAsync(Ct));
    }

    [Theory]
    [InlineData("/api/products/7")]
    [InlineData("/api/products?page=1&pageSize=10")]
    public async Task CatalogueRead_IfNoneMatchAfterAPriceChange_Answers200WithANewTag(string path)
    {
        await using var shop = await RunningShop.StartAsync();
        using var before = await shop.Client.GetAsync(path, Ct);
        using (var change = await shop.Admin.PutAsJsonAsync("/api/products/7/price", new { priceCents = 4321 }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        }

        using var after = await GetAsync(shop.Client, path, before.Headers.ETag);

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(before.Headers.ETag, after.Headers.ETag);
        Assert.Contains("4321", await after.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetProduct_IfNoneMatchStarOrAListWithTheTag_Answers304()
    {
        await using var shop = await RunningShop.StartAsync();

        using var star = await GetAsync(shop.Client, "/api/products/2", EntityTagHeaderValue.Any);
        using var list = new HttpRequestMessage(HttpMethod.Get, "/api/products/2");
        list.Headers.TryAddWithoutValidation("If-None-Match", "\"9\", W/\"1\"");
        using var listed = await shop.Client.SendAsync(list, Ct);

        Assert.Equal(HttpStatusCode.NotModified, star.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, listed.StatusCode);
    }

    [Fact]
    public async Task ProductPage_SomePartDegraded_IsNoStoreWithoutATag()
    {
        // No stand-ins: the recommendations engine is a closed port, so the page is degraded.
        await using var shop = await RunningShop.StartAsync();

        using var page = await shop.Client.GetAsync("/api/products/4/page", Ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("recommendations", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.True(page.Headers.CacheControl?.NoStore, page.Headers.CacheControl?.ToString());
        Assert.Null(page.Headers.ETag);
    }

    [Fact]
    public async Task ProductPage_Whole_HasAWeakTagAndAnswers304()
    {
        await using var standIns = await StandIns.StartAsync();
        await using var shop = await RunningShop.StartAsync(null, null, standIns.ShopArgs);
        var etag = await WholePageTagAsync(shop.Client, 5);

        using var again = await GetAsync(shop.Client, "/api/products/5/page", etag);

        Assert.True(etag.IsWeak);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Equal("public, no-cache", again.Headers.CacheControl?.ToString());
        Assert.Empty(await again.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task PersonalAnswersAndProblems_NeverStored()
    {
        await using var shop = await RunningShop.StartAsync();
        using var customer = await ShopCustomer.SignUpAsync(shop.Client.BaseAddress!);
        using var open = new HttpRequestMessage(HttpMethod.Post, "/api/wallets") { Content = JsonContent.Create(new { ownerName = "Ada Lovelace", ownerEmail = "ada@example.com" }) };
        open.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var opened = await customer.Client.SendAsync(open, Ct);
        var walletId = (await opened.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("id").GetString();

        string[] personal = ["/api/users/me", $"/api/customers/{customer.Id}/orders", $"/api/wallets/{walletId}"];
        foreach (var path in personal)
        {
            using var answer = await customer.Client.GetAsync(path, Ct);
            Assert.True(answer.IsSuccessStatusCode, $"{path} answered {(int)answer.StatusCode}");
            Assert.True(answer.Headers.CacheControl?.NoStore, $"{path}: Cache-Control {answer.Headers.CacheControl}");
        }

        Assert.True(opened.Headers.CacheControl?.NoStore, $"POST /api/wallets: Cache-Control {opened.Headers.CacheControl}");
        using var missing = await shop.Client.GetAsync("/api/products/99999", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.True(missing.Headers.CacheControl?.NoStore, $"404: Cache-Control {missing.Headers.CacheControl}");
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, EntityTagHeaderValue? ifNoneMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (ifNoneMatch is not null)
        {
            request.Headers.IfNoneMatch.Add(ifNoneMatch);
        }

        return await client.SendAsync(request, Ct);
    }

    // The first answers may miss a part while the stand-ins warm up (ProductPageTests does the same).
    private static async Task<EntityTagHeaderValue> WholePageTagAsync(HttpClient client, int id)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var page = await client.GetAsync($"/api/products/{id}/page", Ct);
            if (page.Headers.ETag is { } etag)
            {
                return etag;
            }
        }

        Assert.Fail($"/api/products/{id}/page stayed degraded (no ETag) after 5 tries with healthy stand-ins");
        return null!;
    }
}
