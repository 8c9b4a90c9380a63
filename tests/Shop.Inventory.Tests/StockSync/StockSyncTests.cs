using System.Net.Http.Json;
using Bulwark.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Shop.Externals.Hosting;
using Shop.Externals.LegacyErp;
using Shop.Infrastructure.Data;
using Shop.Inventory.Contracts;
using Shop.Inventory.Data;
using Shop.Inventory.LegacyErp;
using Shop.Inventory.StockSync;

namespace Shop.Inventory.Tests.StockSync;

/// <summary>
/// The stock sync through the anti-corruption layer against the legacy ERP stand-in on Kestrel over loopback, into a
/// real inventory database: malformed rows quarantined and counted, a batch all or nothing, each batch once. The same
/// suite runs on the shop's two databases: <see cref="SqliteStockSyncTests"/> and <see cref="PostgresStockSyncTests"/>.
/// </summary>
public abstract class StockSyncTests : IAsyncLifetime
{
    private readonly System.Diagnostics.Metrics.IMeterFactory _meters = new ServiceCollection()
        .AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
    private WebApplication _erp = null!;
    private HttpClient _control = null!;
    private ShopDatabase _shop = null!;
    private ModuleDatabase<InventoryModule> _database = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _erp = HostLogFile.LogToFile(LegacyErpApp.Create("http://127.0.0.1:0", ["--Logging:LogLevel:Default=Warning", .. HostLogFile.ConsoleOff]), "legacy-erp");
        await _erp.StartAsync(Ct);
        _control = new HttpClient { BaseAddress = _erp.BaseAddress() };
        _shop = new ShopDatabase(await DataOptionsAsync());
        _database = new ModuleDatabase<InventoryModule>(_shop, TimeProvider.System);
        await _database.MigrateAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        // A skipped start (no PostgreSQL on a laptop) leaves some of these unset.
        _control?.Dispose();
        if (_erp is not null)
        {
            await _erp.DisposeAsync();
        }

        _database?.Dispose();
        if (_shop is not null)
        {
            await _shop.DisposeAsync();
        }

        (_meters as IDisposable)?.Dispose();
        await DropAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Where the inventory's tables live for this run (created empty).</summary>
    protected abstract Task<ShopDataOptions> DataOptionsAsync();

    /// <summary>Removes what <see cref="DataOptionsAsync"/> created.</summary>
    protected abstract Task DropAsync();

    /// <summary>SQL that makes the database refuse the update of product 30's stock (a trigger named <c>fail_30</c>).</summary>
    protected abstract string RefuseProduct30Sql { get; }

    /// <summary>SQL that removes <see cref="RefuseProduct30Sql"/>'s trigger.</summary>
    protected abstract string AllowProduct30Sql { get; }

    [Fact]
    public async Task Sync_ExportWithAMalformedRow_AppliesTheRestAndQuarantinesAndCountsIt()
    {
        using var quarantined = new MetricCollector<long>(_meters, StockSyncMetrics.MeterName, "shop.inventory.stock_sync.quarantined_rows");
        await PlantAsync(LegacyErpExport.Record(3, "0001", "PK6", 2, "12.30", "EUR", new DateOnly(2026, 12, 6)));
        await SetPacksAsync(1, 3);
        var sync = Sync();

        var report = await sync.SyncAsync(Ct);

        Assert.Equal((60, 1), (report.Applied, report.Quarantined));
        // Material 1 is kept in PK6 packs by the ERP: 3 packs are 18 units on the inventory's shelf.
        Assert.Equal(18, (await Inventory().GetStockAsync(1, Ct))!.OnHand);
        var (total, lines) = await sync.ListQuarantinedAsync(10, 0, Ct);
        Assert.Equal(1, total);
        Assert.Contains("12.30", Assert.Single(lines).Raw, StringComparison.Ordinal);
        Assert.Equal(1, quarantined.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task Sync_SameDeliveryTwice_AppliedAndQuarantinedOnce()
    {
        await SetGarbleAsync(20);
        var sync = Sync();

        var first = await sync.SyncAsync(Ct);
        var second = await sync.SyncAsync(Ct);

        Assert.Equal((false, 3), (first.AlreadyApplied, first.Quarantined));
        Assert.True(second.AlreadyApplied);
        Assert.Equal(3, (await sync.ListQuarantinedAsync(10, 0, Ct)).Total);
    }

    [Fact]
    public async Task Sync_ManyParallelRunsOfOneDelivery_AppliedExactlyOnce()
    {
        for (var round = 0; round < 3; round++)
        {
            await SetPacksAsync(2, 10 + round);
            await PlantAsync($"STK1 broken in round {round}");
            var sync = Sync();

            var reports = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => sync.SyncAsync(Ct), Ct)));

            Assert.Single(reports, r => !r.AlreadyApplied);
        }

        // Round 0 planted one broken line, round 1 a second (both in its delivery), round 2 a third: 1 + 2 + 3.
        Assert.Equal(6, (await Sync().ListQuarantinedAsync(10, 0, Ct)).Total);
    }

    [Fact]
    public async Task Sync_WriteFailsHalfwayThroughTheBatch_NothingOfItIsApplied()
    {
        await SetPacksAsync(1, 7);
        await PlantAsync("STK1 broken");
        var before = (await Inventory().GetStockAsync(1, Ct))!.OnHand;
        // The database refuses the 30th product's update: the first 29 were already written inside the transaction.
        await ExecuteAsync(RefuseProduct30Sql);
        var sync = Sync();

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => sync.SyncAsync(Ct));

        Assert.Equal(before, (await Inventory().GetStockAsync(1, Ct))!.OnHand);
        Assert.Equal(0, (await sync.ListQuarantinedAsync(10, 0, Ct)).Total);

        await ExecuteAsync(AllowProduct30Sql);
        var retried = await sync.SyncAsync(Ct);
        Assert.Equal((false, 60, 1), (retried.AlreadyApplied, retried.Applied, retried.Quarantined));
        Assert.Equal(42, (await Inventory().GetStockAsync(1, Ct))!.OnHand);
    }

    [Fact]
    public async Task Sync_CountBelowWhatOrdersHold_QuarantinedNotApplied()
    {
        var inventory = Inventory();
        await inventory.ReserveAsync("order-1", [new ReservationLine(4, 5)], Ct);
        await SetPacksAsync(4, 0);

        var report = await Sync().SyncAsync(Ct);

        Assert.Equal((59, 1), (report.Applied, report.Quarantined));
        var stock = (await inventory.GetStockAsync(4, Ct))!;
        Assert.Equal(5, stock.Reserved);
        Assert.True(stock.OnHand >= 5);
        Assert.Contains("promised to orders", (await Sync().ListQuarantinedAsync(10, 0, Ct)).Lines[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_ErpDown_SourceUnavailableAndNothingApplied()
    {
        (await _control.PutAsJsonAsync("/_control/faults", new { down = true }, Ct)).EnsureSuccessStatusCode();
        var before = (await Inventory().GetStockAsync(1, Ct))!.OnHand;

        await Assert.ThrowsAsync<StockSourceUnavailableException>(() => Sync().SyncAsync(Ct));

        Assert.Equal(before, (await Inventory().GetStockAsync(1, Ct))!.OnHand);
    }

    private StockSyncService Sync()
    {
        var source = new LegacyErpStockSource(new HttpClient { BaseAddress = _erp.BaseAddress() }, Options.Create(new LegacyErpOptions()));
        return new StockSyncService(_database, source, new StockSyncMetrics(_meters), TimeProvider.System, NullLogger<StockSyncService>.Instance);
    }

    private InventoryRepository Inventory() => new(_database);

    private async Task PlantAsync(string line) =>
        (await _control.PostAsJsonAsync("/_control/erp/planted-rows", new { line }, Ct)).EnsureSuccessStatusCode();

    private async Task SetPacksAsync(int productId, int packs) =>
        (await _control.PutAsJsonAsync($"/_control/erp/materials/{productId}", new { packs }, Ct)).EnsureSuccessStatusCode();

    private async Task SetGarbleAsync(int every) =>
        (await _control.PutAsJsonAsync("/_control/erp/garble", new { every }, Ct)).EnsureSuccessStatusCode();

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await _database.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }
}

/// <summary>The stock sync suite on the embedded default, SQLite.</summary>
public sealed class SqliteStockSyncTests : StockSyncTests
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "bulwark-stock-sync-" + Guid.NewGuid().ToString("N"));

    /// <inheritdoc/>
    protected override string RefuseProduct30Sql =>
        "CREATE TRIGGER fail_30 BEFORE UPDATE OF on_hand ON inventory_stock WHEN NEW.product_id = 30 BEGIN SELECT RAISE(ABORT, 'disk said no'); END;";

    /// <inheritdoc/>
    protected override string AllowProduct30Sql => "DROP TRIGGER fail_30;";

    /// <inheritdoc/>
    protected override Task<ShopDataOptions> DataOptionsAsync() => Task.FromResult(new ShopDataOptions { Path = _dataPath });

    /// <inheritdoc/>
    protected override Task DropAsync()
    {
        if (Directory.Exists(_dataPath))
        {
            Directory.Delete(_dataPath, recursive: true);
        }

        return Task.CompletedTask;
    }
}

/// <summary>The stock sync suite on the scale-out database, a throw-away database on the real PostgreSQL server.</summary>
public sealed class PostgresStockSyncTests : StockSyncTests
{
    private readonly string _database = "bulwark_stock_sync_" + Guid.NewGuid().ToString("N");

    /// <inheritdoc/>
    protected override string RefuseProduct30Sql => """
        CREATE FUNCTION fail_30() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.product_id = 30 THEN RAISE EXCEPTION 'disk said no'; END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER fail_30 BEFORE UPDATE OF on_hand ON inventory_stock FOR EACH ROW EXECUTE FUNCTION fail_30();
        """;

    /// <inheritdoc/>
    protected override string AllowProduct30Sql => "DROP TRIGGER fail_30 ON inventory_stock; DROP FUNCTION fail_30();";

    /// <inheritdoc/>
    protected override async Task<ShopDataOptions> DataOptionsAsync() =>
        new() { Provider = ShopDataProvider.Postgres, ConnectionString = await PostgresScratch.CreateAsync(_database) };

    /// <inheritdoc/>
    protected override Task DropAsync() => PostgresScratch.DropAsync(_database);
}
