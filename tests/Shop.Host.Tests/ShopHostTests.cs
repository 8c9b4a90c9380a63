using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Shop.Infrastructure.Data;
using Microsoft.Extensions.DependencyInjection;
using Shop.Catalog.Contracts;

namespace Shop.Host.Tests;

public sealed class ShopHostTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HealthLive_ProcessUp_Returns200()
    {
        await using var shop = await RunningShop.StartAsync();

        using var response = await shop.Client.GetAsync("/health/live", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task HealthReady_DatabaseAnswers_ReportsCatalogCheck()
    {
        await using var shop = await RunningShop.StartAsync();

        using var response = await shop.Client.GetAsync("/health/ready", Ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task HealthReady_DatabaseUnreadable_Returns503WhileLiveStays200()
    {
        // The outbox relay is told to stay away, so nothing rewrites the file between the sabotage and the probe.
        await using var shop = await RunningShop.StartAsync(null, null, "--Bulwark:Outbox:Relay:PollInterval=00:05:00");
        await Task.Delay(200, Ct);
        if (ShopTestData.OnPostgres)
        {
            // The server's database gone (dropped, connections closed): as unreadable as a file of garbage.
            await ShopTestData.ForgetAsync(shop.DataPath);
        }
        else
        {
            BreakSqliteFile(shop.DataPath);
        }

        using var ready = await shop.Client.GetAsync("/health/ready", Ct);
        using var live = await shop.Client.GetAsync("/health/live", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task GetProduct_SeededId_ReturnsProduct()
    {
        await using var shop = await RunningShop.StartAsync();

        var product = await shop.Client.GetFromJsonAsync<ProductDto>("/api/products/1", Ct);

        Assert.NotNull(product);
        Assert.Equal(1, product.Id);
        Assert.Equal("SKU-00001", product.Sku);
    }

    [Fact]
    public async Task ListProducts_NoQuery_ReturnsFirstPageOfSeededCatalogue()
    {
        await using var shop = await RunningShop.StartAsync();

        var page = await shop.Client.GetFromJsonAsync<ProductPage>("/api/products", Ct);

        Assert.NotNull(page);
        Assert.Equal(20, page.Items.Count);
        Assert.True(page.TotalItems >= 50, $"the demo catalogue has at least 50 products, got {page.TotalItems}");
        Assert.Equal(Enumerable.Range(1, 20), page.Items.Select(p => p.Id));
    }

    [Fact]
    public async Task ListProducts_PageSizeAboveMaximum_IsCappedAt100()
    {
        await using var shop = await RunningShop.StartAsync();

        var page = await shop.Client.GetFromJsonAsync<ProductPage>("/api/products?pageSize=5000", Ct);

        Assert.NotNull(page);
        Assert.Equal(100, page.PageSize);
        Assert.Equal(page.TotalItems, page.Items.Count);
    }

    [Fact]
    public async Task ListProducts_PageBeyondEnd_ReturnsEmptyPage()
    {
        await using var shop = await RunningShop.StartAsync();

        var page = await shop.Client.GetFromJsonAsync<ProductPage>("/api/products?page=99&pageSize=50", Ct);

        Assert.NotNull(page);
        Assert.Empty(page.Items);
        Assert.Equal(2, page.TotalPages);
    }

    [Theory]
    [InlineData("/api/products?page=-1", "page")]
    [InlineData("/api/products?page=0", "page")]
    [InlineData("/api/products?page=abc", "page")]
    [InlineData("/api/products?pageSize=0", "pageSize")]
    [InlineData("/api/products?pageSize=ten", "pageSize")]
    [InlineData("/api/products/abc", "product id")]
    [InlineData("/api/products/-3", "product id")]
    [InlineData("/api/products/99999999999999", "product id")]
    public async Task Request_MalformedInput_Returns400ProblemNamingTheField(string url, string field)
    {
        await using var shop = await RunningShop.StartAsync();

        using var response = await shop.Client.GetAsync(url, Ct);
        var problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("https://bulwark.dev/problems/bad-request", problem.GetProperty("type").GetString());
        Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetProduct_UnknownId_Returns404Problem()
    {
        await using var shop = await RunningShop.StartAsync();

        using var response = await shop.Client.GetAsync("/api/products/4242", Ct);
        var problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("https://bulwark.dev/problems/not-found", problem.GetProperty("type").GetString());
        Assert.Equal("/api/products/4242", problem.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task UnknownRoute_Returns404Problem()
    {
        await using var shop = await RunningShop.StartAsync();

        using var response = await shop.Client.GetAsync("/api/nothing-here", Ct);
        var problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("https://bulwark.dev/problems/not-found", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task UnhandledFault_Returns500ProblemWithoutStackTrace()
    {
        await using var shop = await RunningShop.StartAsync(services: s => s.AddSingleton<ICatalogApi, ExplodingCatalog>());

        using var response = await shop.Client.GetAsync("/api/products/1", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(ExplodingCatalog.Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(text);
        Assert.Equal("https://bulwark.dev/problems/internal-error", problem.RootElement.GetProperty("type").GetString());
        Assert.Equal(32, problem.RootElement.GetProperty("traceId").GetString()!.Length);
    }

    [Fact]
    public async Task Restart_SameDataFolder_KeepsDataAndDoesNotReapplyMigrations()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "bulwark-shop-" + Guid.NewGuid().ToString("N"));
        await using (var first = await RunningShop.StartAsync(dataPath))
        {
            using var ok = await first.Client.GetAsync("/api/products/1", Ct);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // A row added to the import list between runs: the next start lists it in the event log and the read model.
        SqliteConnection.ClearAllPools();
        await using (var database = new ShopDatabase(await ShopTestData.OptionsAsync(dataPath)))
        await using (var connection = await database.OpenAsync(Ct))
        {
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO catalog_products VALUES (777, 'SKU-KEEP', 'Kept', 'Survives a restart', 'Test', 100, 'EUR');";
            await insert.ExecuteNonQueryAsync(Ct);
        }

        SqliteConnection.ClearAllPools();
        await using var second = await RunningShop.StartAsync(dataPath);
        var kept = await second.Client.GetFromJsonAsync<ProductDto>("/api/products/777", Ct);
        var page = await second.Client.GetFromJsonAsync<ProductPage>("/api/products", Ct);

        Assert.Equal("Kept", kept!.Name);
        Assert.Equal(61, page!.TotalItems);
        await using var check = await second.OpenDatabaseAsync();
        await using var count = check.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM bulwark_schema_migrations WHERE component = 'catalog';";
        Assert.Equal(3L, Convert.ToInt64(await count.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture)); // products, seed, product list read model: each once
    }

    // Garbage where the database should be: the file still opens but no longer answers a query. (Deleting it would not
    // do: SQLite recreates a missing file, and the outbox relay opens it on its own schedule.)
    private static void BreakSqliteFile(string dataPath)
    {
        SqliteConnection.ClearAllPools();
        var file = Path.Combine(dataPath, "shop.db");
        File.Delete(file + "-wal");
        File.Delete(file + "-shm");
        File.WriteAllBytes(file, Enumerable.Repeat((byte)0x5A, 8192).ToArray());
        SqliteConnection.ClearAllPools();
    }

    private static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return doc.RootElement.Clone();
    }

    private sealed class ExplodingCatalog : ICatalogApi
    {
        public const string Secret = "connection string with password=hunter2";

        public Task<ProductDto?> FindProductAsync(int id, CancellationToken cancellationToken) => throw new InvalidOperationException(Secret);

        public Task<ProductPage> ListProductsAsync(int page, int pageSize, CancellationToken cancellationToken) => throw new InvalidOperationException(Secret);
    }
}
