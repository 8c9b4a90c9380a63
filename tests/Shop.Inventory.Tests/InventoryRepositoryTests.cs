using Shop.Infrastructure.Data;
using Shop.Inventory.Contracts;
using Shop.Inventory.Data;

namespace Shop.Inventory.Tests;

public sealed class InventoryRepositoryTests
{
    // Seeded stock: product 7 has 2 units, product 10 is sold out, product 1 has plenty.
    private const int ScarceProduct = 7;
    private const int SoldOutProduct = 10;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reserve_SameIdTwice_ReservesOnce()
    {
        var inventory = await NewInventoryAsync();

        var first = await inventory.ReserveAsync("order-1", [new(1, 3)], Ct);
        var second = await inventory.ReserveAsync("order-1", [new(1, 3)], Ct);
        var stock = await inventory.GetStockAsync(1, Ct);

        Assert.Equal(ReservationOutcome.Reserved, first.Outcome);
        Assert.Equal(ReservationOutcome.Reserved, second.Outcome);
        Assert.Equal(3, stock!.Reserved);
    }

    [Fact]
    public async Task Reserve_OneLineShort_ReservesNothing()
    {
        var inventory = await NewInventoryAsync();

        var result = await inventory.ReserveAsync("order-2", [new(1, 1), new(SoldOutProduct, 1)], Ct);

        Assert.Equal(ReservationOutcome.InsufficientStock, result.Outcome);
        Assert.Equal(SoldOutProduct, result.ShortProductId);
        Assert.Equal(0, (await inventory.GetStockAsync(1, Ct))!.Reserved);
    }

    [Fact]
    public async Task Release_Twice_GivesStockBackOnceAndNeverReReserves()
    {
        var inventory = await NewInventoryAsync();
        await inventory.ReserveAsync("order-3", [new(1, 4)], Ct);

        await inventory.ReleaseAsync("order-3", Ct);
        await inventory.ReleaseAsync("order-3", Ct);
        var retried = await inventory.ReserveAsync("order-3", [new(1, 4)], Ct);

        Assert.Equal(0, (await inventory.GetStockAsync(1, Ct))!.Reserved);
        Assert.Equal(ReservationOutcome.Released, retried.Outcome);
    }

    [Fact]
    public async Task Commit_Reservation_TakesStockOffTheShelf()
    {
        var inventory = await NewInventoryAsync();
        var before = (await inventory.GetStockAsync(1, Ct))!;
        await inventory.ReserveAsync("order-4", [new(1, 2)], Ct);

        await inventory.CommitAsync("order-4", Ct);
        await inventory.CommitAsync("order-4", Ct);
        var after = (await inventory.GetStockAsync(1, Ct))!;

        Assert.Equal(before.OnHand - 2, after.OnHand);
        Assert.Equal(0, after.Reserved);
    }

    [Fact]
    public async Task Reserve_ManyBuyersRaceForTheLastUnits_NeverOversells()
    {
        for (var round = 0; round < 5; round++)
        {
            var inventory = await NewInventoryAsync();

            var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
                Task.Run(() => inventory.ReserveAsync($"buyer-{i}", [new(ScarceProduct, 1)], Ct), Ct)));

            Assert.Equal(2, results.Count(r => r.Outcome == ReservationOutcome.Reserved));
            var stock = (await inventory.GetStockAsync(ScarceProduct, Ct))!;
            Assert.Equal(2, stock.Reserved);
            Assert.Equal(0, stock.Available);
        }
    }

    [Fact]
    public async Task Reserve_UnknownProduct_SaysWhich()
    {
        var inventory = await NewInventoryAsync();

        var result = await inventory.ReserveAsync("order-5", [new(9999, 1)], Ct);

        Assert.Equal(ReservationOutcome.UnknownProduct, result.Outcome);
        Assert.Equal(9999, result.ShortProductId);
    }

    private static async Task<InventoryRepository> NewInventoryAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), "bulwark-inventory-" + Guid.NewGuid().ToString("N"));
        var database = new ModuleDatabase<InventoryModule>(new ShopDatabase(new ShopDataOptions { Path = path }), TimeProvider.System);
        await database.MigrateAsync(Ct);
        return new InventoryRepository(database);
    }
}
