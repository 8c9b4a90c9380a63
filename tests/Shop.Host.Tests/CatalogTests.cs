using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.EventSourcing;
using Bulwark.Testing;
using Microsoft.Extensions.DependencyInjection;
using Shop.Catalog;
using Shop.Catalog.Contracts;
using Bulwark.Data;

namespace Shop.Host.Tests;

/// <summary>
/// The catalogue as CQRS on the real host: products live in event streams, clients read a product list that only a
/// projection writes, price changes are optimistic (If-Match → 412) and visible in the caller's next read.
/// </summary>
public sealed class CatalogTests
{
    private const int ImportedProducts = 60;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_FreshDataFolder_ListsEveryImportedProductOnceFromTheEventLog()
    {
        await using var shop = await RunningShop.StartAsync();

        var page = await shop.Client.GetFromJsonAsync<JsonElement>("/api/products?pageSize=100", Ct);
        var events = await CatalogEventsAsync(shop);

        Assert.Equal(ImportedProducts, page.GetProperty("totalItems").GetInt32());
        Assert.All(page.GetProperty("items").EnumerateArray(), p => Assert.Equal(1, p.GetProperty("version").GetInt64()));
        Assert.Equal(ImportedProducts, events.Count(e => e.EventType.StartsWith("catalog.ProductListed.", StringComparison.Ordinal)));
        Assert.Equal(ImportedProducts, events.Select(e => e.StreamId).Distinct().Count());
    }

    [Fact]
    public async Task ChangePrice_WithCurrentIfMatch_AnswersTheNewPriceAndTheNextReadsShowIt()
    {
        await using var shop = await RunningShop.StartAsync();
        var (before, etag) = await GetProductAsync(shop.Client, 7);
        // The page is cached now too: the change below must drop it, not leave the old price on the shelf.
        var listBefore = await shop.Client.GetFromJsonAsync<JsonElement>("/api/products?pageSize=10", Ct);
        Assert.Equal(before.GetProperty("priceCents").GetInt64(), listBefore.GetProperty("items")[6].GetProperty("priceCents").GetInt64());

        using var response = await ChangePriceAsync(shop.Admin, 7, 1234, etag);
        var changed = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1234, changed.GetProperty("priceCents").GetInt64());
        Assert.Equal(2, changed.GetProperty("version").GetInt64());
        Assert.Equal("\"2\"", response.Headers.ETag?.ToString());
        // Read-your-own-writes: no polling, the very next reads of the detail and of the list carry the new price.
        Assert.Equal(1234, (await GetProductAsync(shop.Client, 7)).Product.GetProperty("priceCents").GetInt64());
        var list = await shop.Client.GetFromJsonAsync<JsonElement>("/api/products?pageSize=10", Ct);
        Assert.Equal(1234, list.GetProperty("items")[6].GetProperty("priceCents").GetInt64());
        var priceChange = Assert.Single(await CatalogEventsAsync(shop), e => e.EventType.StartsWith("catalog.ProductPriceChanged.", StringComparison.Ordinal));
        using var data = JsonDocument.Parse(priceChange.Data);
        Assert.Equal(before.GetProperty("priceCents").GetInt64(), data.RootElement.GetProperty("oldPriceCents").GetInt64());
    }

    [Fact]
    public async Task ChangePrice_StaleIfMatch_Returns412AndKeepsTheOtherChange()
    {
        await using var shop = await RunningShop.StartAsync();
        var (_, etag) = await GetProductAsync(shop.Client, 3);
        (await ChangePriceAsync(shop.Admin, 3, 1500, etag)).Dispose();

        using var response = await ChangePriceAsync(shop.Admin, 3, 999, etag);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal("https://bulwark.dev/problems/precondition-failed", problem.GetProperty("type").GetString());
        Assert.Equal(2, problem.GetProperty("currentVersion").GetInt64());
        Assert.Equal(1500, (await GetProductAsync(shop.Client, 3)).Product.GetProperty("priceCents").GetInt64());
    }

    [Fact]
    public async Task ChangePrice_ParallelAdminsWithTheSameIfMatch_ExactlyOneWinsEachRound()
    {
        await using var shop = await RunningShop.StartAsync();

        for (var round = 1; round <= 3; round++)
        {
            var (_, etag) = await GetProductAsync(shop.Client, 11);
            var prices = Enumerable.Range(0, 10).Select(i => 2000 + (round * 100) + i).ToArray();
            var responses = await Task.WhenAll(prices.Select(price => ChangePriceAsync(shop.Admin, 11, price, etag)));
            var statuses = responses.Select(r => r.StatusCode).ToArray();
            var winner = Array.FindIndex(statuses, s => s == HttpStatusCode.OK);
            foreach (var r in responses)
            {
                r.Dispose();
            }

            Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
            Assert.Equal(9, statuses.Count(s => s == HttpStatusCode.PreconditionFailed));
            var (product, _) = await GetProductAsync(shop.Client, 11);
            Assert.Equal(prices[winner], product.GetProperty("priceCents").GetInt64());
            Assert.Equal(1 + round, product.GetProperty("version").GetInt64());
        }
    }

    [Fact]
    public async Task Rebuild_FromPositionZero_EqualsTheLiveProductList()
    {
        await using var shop = await RunningShop.StartAsync();
        foreach (var (id, price) in new[] { (1, 100L), (2, 200L), (1, 150L), (59, 0L) })
        {
            using var response = await ChangePriceAsync(shop.Admin, id, price, ifMatch: null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var live = await shop.Client.GetStringAsync("/api/products?pageSize=100", Ct);

        await CatalogModule.RebuildProductListAsync(shop.Services, Ct);
        // Twice: the second shadow is created from the schema of a table that was itself swapped in by a rename.
        await CatalogModule.RebuildProductListAsync(shop.Services, Ct);
        var rebuilt = await shop.Client.GetStringAsync("/api/products?pageSize=100", Ct);

        Assert.Equal(live, rebuilt);
        // The changed prices exist only as events (the import list still holds the old ones): the rebuild read them there.
        Assert.Contains("\"priceCents\":150", rebuilt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetProduct_RowChangedBehindTheProjection_IsServedFromTheCacheUntilARebuildDropsIt()
    {
        await using var shop = await RunningShop.StartAsync();
        var imported = (await GetProductAsync(shop.Client, 9)).Product.GetProperty("priceCents").GetInt64();
        // Fresh process, so the entry above is the first one: drop it, then write rows no event explains, which only
        // a read that skips the cache could see.
        await CatalogModule.RebuildProductListAsync(shop.Services, Ct);
        await SetPriceInReadModelAsync(shop, 9, 111);
        var cached = (await GetProductAsync(shop.Client, 9)).Product.GetProperty("priceCents").GetInt64();

        await SetPriceInReadModelAsync(shop, 9, 222);
        var hit = (await GetProductAsync(shop.Client, 9)).Product.GetProperty("priceCents").GetInt64();
        await CatalogModule.RebuildProductListAsync(shop.Services, Ct);
        var afterRebuild = (await GetProductAsync(shop.Client, 9)).Product.GetProperty("priceCents").GetInt64();

        Assert.Equal(111, cached);
        Assert.Equal(111, hit);
        // The swap put the event-sourced row back and dropped every cached product, so the next read loads it.
        Assert.Equal(imported, afterRebuild);
    }

    [Fact]
    public async Task GetProduct_HundredParallelReadsOfAnUncachedProduct_LoadItOnce()
    {
        await using var shop = await RunningShop.StartAsync();
        var catalog = shop.Services.GetRequiredService<ICatalogApi>();

        for (var round = 1; round <= 3; round++)
        {
            var id = 20 + round;
            await SetPriceInReadModelAsync(shop, id, 1000 + round);
            // Each reader changes the row after reading it: a reader that reached the database sees its own write,
            // so distinct answers count the loads.
            var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
            {
                var product = await catalog.FindProductAsync(id, Ct);
                await SetPriceInReadModelAsync(shop, id, 5000 + i);
                return product!.PriceCents;
            }, Ct)));

            Assert.Single(answers.Distinct());
        }
    }

    [Fact]
    public async Task Rebuild_WhileClientsRead_TheyAlwaysSeeTheWholeShelf()
    {
        // Waiting for the live read model polls as anonymous; on PostgreSQL the 2,000 events take long enough for the
        // polls to pass the anonymous limit (a CI run got 429), which is not what this test is about.
        await using var shop = await RunningShop.StartAsync(null, null, "--Bulwark:RateLimiting:Tiers:anonymous:PermitLimit=1000000");
        // A long history for one product, so the replay takes a while: 2,000 price changes in one append.
        var store = shop.Services.GetRequiredService<IEventStore>();
        var changes = Enumerable.Range(1, 2000).Select(i => new EventData(
            Guid.NewGuid(),
            "catalog.ProductPriceChanged.v1",
            JsonSerializer.SerializeToUtf8Bytes(new { productId = 1, oldPriceCents = 1000 + i - 1, newPriceCents = 1000 + i }))).ToList();
        var appended = await store.AppendAsync("Product-1", 1, changes, Ct);
        await Eventually.WaitAsync(
            () => shop.Client.GetFromJsonAsync<JsonElement>("/api/products/1", Ct),
            p => p.GetProperty("version").GetInt64() == 2001,
            "the live read model has the whole history",
            seconds: 90); // the projection applies event by event: on PostgreSQL under CI load it had 1,848 of 2,000 after 20 s

        var live = await shop.Client.GetStringAsync("/api/products?pageSize=100", Ct);

        using var rebuilding = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        // The admin key maps to the internal rate-limit tier: a tight read loop as anonymous would be throttled.
        var reader = Task.Run(async () =>
        {
            var seen = new List<int>();
            while (!rebuilding.IsCancellationRequested)
            {
                var page = await shop.Admin.GetFromJsonAsync<JsonElement>("/api/products?pageSize=100", CancellationToken.None);
                seen.Add(page.GetProperty("totalItems").GetInt32());
            }

            return seen;
        }, Ct);
        using var rebuild = await shop.Admin.PostAsync("/admin/projections/catalog.product-list/rebuild", null, Ct);
        await rebuilding.CancelAsync();
        var totals = await reader;

        Assert.Equal(HttpStatusCode.OK, rebuild.StatusCode);
        Assert.True(totals.Count >= 3, $"only {totals.Count} reads ran during the rebuild");
        Assert.All(totals, total => Assert.Equal(ImportedProducts, total));
        Assert.Equal(live, await shop.Client.GetStringAsync("/api/products?pageSize=100", Ct));
        Assert.True(appended.LastPosition > 0);
    }

    [Fact]
    public async Task Restart_SameDataFolder_KeepsPriceChangesAndImportsNothingTwice()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "bulwark-shop-" + Guid.NewGuid().ToString("N"));
        await using (var first = await RunningShop.StartAsync(dataPath))
        {
            (await ChangePriceAsync(first.Admin, 5, 4321, ifMatch: null)).Dispose();
        }

        await using var second = await RunningShop.StartAsync(dataPath);
        var (product, etag) = await GetProductAsync(second.Client, 5);

        Assert.Equal(4321, product.GetProperty("priceCents").GetInt64());
        Assert.Equal("\"2\"", etag);
        Assert.Equal(ImportedProducts, (await CatalogEventsAsync(second)).Count(e => e.EventType.StartsWith("catalog.ProductListed.", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ChangePrice_WithoutAnAdminKey_Returns401Or403AndChangesNothing()
    {
        await using var shop = await RunningShop.StartAsync();

        using var anonymous = await ChangePriceAsync(shop.Client, 4, 1, ifMatch: null);
        using var partner = new HttpClient { BaseAddress = shop.Client.BaseAddress };
        partner.DefaultRequestHeaders.Add("X-Api-Key", "demo-partner-key");
        using var notAdmin = await ChangePriceAsync(partner, 4, 1, ifMatch: null);
        using var dlq = await shop.Client.GetAsync("/admin/dlq/depth", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("https://bulwark.dev/problems/unauthorized", (await anonymous.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, dlq.StatusCode);
        Assert.Equal(1, (await GetProductAsync(shop.Client, 4)).Product.GetProperty("version").GetInt64());
    }

    [Theory]
    [InlineData("7", "{}", null, HttpStatusCode.BadRequest)]
    [InlineData("7", "{\"priceCents\":-1}", null, HttpStatusCode.UnprocessableEntity)]
    [InlineData("7", "{\"priceCents\":10000001}", null, HttpStatusCode.UnprocessableEntity)]
    [InlineData("seven", "{\"priceCents\":100}", null, HttpStatusCode.BadRequest)]
    [InlineData("999", "{\"priceCents\":100}", null, HttpStatusCode.NotFound)]
    [InlineData("7", "{\"priceCents\":100}", "W/\"1\"", HttpStatusCode.BadRequest)]
    [InlineData("7", "{\"priceCents\":100}", "\"one\"", HttpStatusCode.BadRequest)]
    public async Task ChangePrice_BadInput_ReturnsAProblemAndChangesNothing(string id, string body, string? ifMatch, HttpStatusCode expected)
    {
        await using var shop = await RunningShop.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/products/{id}/price") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        using var response = await shop.Admin.SendAsync(request, Ct);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, (await CatalogEventsAsync(shop)).Count(e => e.EventType.StartsWith("catalog.ProductPriceChanged.", StringComparison.Ordinal)));
    }

    private static async Task<(JsonElement Product, string ETag)> GetProductAsync(HttpClient client, int id)
    {
        using var response = await client.GetAsync($"/api/products/{id}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct), response.Headers.ETag!.ToString());
    }

    // Writes the read model directly, as no code path should: the tests use it to tell a cache hit from a database read.
    private static async Task SetPriceInReadModelAsync(RunningShop shop, int id, long priceCents)
    {
        await using var connection = await shop.OpenDatabaseAsync();
        await using var command = connection.CreateCommand("UPDATE catalog_product_list SET price_cents = @price WHERE id = @id;").With("price", priceCents).With("id", id);
        Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
    }

    private static Task<HttpResponseMessage> ChangePriceAsync(HttpClient client, int id, long priceCents, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/products/{id}/price") { Content = JsonContent.Create(new { priceCents }) };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }

        return client.SendAsync(request, Ct);
    }

    private static async Task<List<RecordedEvent>> CatalogEventsAsync(RunningShop shop)
    {
        var store = shop.Services.GetRequiredService<IEventStore>();
        var all = new List<RecordedEvent>();
        for (var batch = await store.ReadAllAsync(0, 500, Ct); batch.Count > 0; batch = await store.ReadAllAsync(batch[^1].Position, 500, Ct))
        {
            all.AddRange(batch.Where(e => e.EventType.StartsWith("catalog.", StringComparison.Ordinal)));
        }

        return all;
    }
}
