using Bulwark.Edge.Cells;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Edge.Tests.Cells;

public sealed class CellTableTests : IDisposable
{
    private static readonly Dictionary<string, CellOptions> TwoCells = new(StringComparer.OrdinalIgnoreCase)
    {
        ["cell-a"] = new CellOptions { Url = "http://127.0.0.1:1" },
        ["cell-b"] = new CellOptions { Url = "http://127.0.0.1:2" },
    };

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("bulwark-cells-");
    private readonly FakeTimeProvider _time = new();

    private string TablePath => Path.Combine(_directory.FullName, "cells.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public void Resolve_NewCustomers_FollowTheirBucketSplitByWeight()
    {
        using var table = new CellTable(null, 1024, TwoCells, _time);
        Assert.Equal(512, table.BucketsPerCell()["cell-a"]);
        var cells = Enumerable.Range(0, 2_000).Select(i => table.Resolve($"c{i}", TwoCells, _ => true)!).ToList();

        Assert.All(cells, c => Assert.Equal(CellSource.Bucket, c.Source));
        Assert.InRange(cells.Count(c => c.Cell == "cell-a"), 900, 1_100);
        // The bucket decides: buckets 0–511 are cell-a's.
        Assert.All(cells, c => Assert.Equal(c.Bucket < 512 ? "cell-a" : "cell-b", c.Cell));
    }

    [Fact]
    public void Resolve_KnownCustomer_KeepsTheirCell_WhenTheCellLaterTakesNoNewCustomers()
    {
        using var table = new CellTable(null, 1024, TwoCells, _time);
        var first = table.Resolve("ada", TwoCells, _ => true)!;
        table.Mark(first.Cell, CellMark.Draining);

        var again = table.Resolve("ada", TwoCells, _ => true)!;

        Assert.Equal(first.Cell, again.Cell);
        Assert.Equal(CellSource.Placed, again.Source);
    }

    [Fact]
    public void Resolve_FullOrDrainingOrDownCell_PlacesNewCustomersElsewhere()
    {
        var cells = new Dictionary<string, CellOptions>(TwoCells, StringComparer.OrdinalIgnoreCase)
        {
            ["cell-a"] = new CellOptions { Url = "http://127.0.0.1:1", Capacity = 10 },
        };
        using var table = new CellTable(null, 1024, cells, _time);
        var placed = Enumerable.Range(0, 200).Select(i => table.Resolve($"c{i}", cells, _ => true)!).ToList();
        Assert.Equal(10, table.Count("cell-a"));
        Assert.Contains(placed, p => p.Source == CellSource.Capacity && p.Cell == "cell-b" && p.Bucket < 512);

        table.Mark("cell-b", CellMark.Draining);
        // cell-a is full and cell-b drains: nobody takes a new customer.
        Assert.Null(table.Resolve("newcomer", cells, _ => true));
        table.Mark("cell-b", CellMark.Open);
        // A cell that does not serve (down) takes nobody new either.
        Assert.Null(table.Resolve("newcomer", cells, c => c != "cell-b"));
    }

    [Fact]
    public void Table_SurvivesReopening_WithPlacementsOverridesAndMarks()
    {
        Dictionary<string, string> before;
        using (var table = new CellTable(TablePath, 1024, TwoCells, _time))
        {
            before = Enumerable.Range(0, 300).ToDictionary(i => $"c{i}", i => table.Resolve($"c{i}", TwoCells, _ => true)!.Cell);
            table.Pin("c7", before["c7"] == "cell-a" ? "cell-b" : "cell-a", "test");
            before["c7"] = table.Find("c7")!.Cell;
            table.Mark("cell-a", CellMark.Draining);
        }

        // Reopened with the cells' weights changed: placed customers stay, the bucket table stays.
        var reweighted = new Dictionary<string, CellOptions>(TwoCells, StringComparer.OrdinalIgnoreCase)
        {
            ["cell-a"] = new CellOptions { Url = "http://127.0.0.1:1", Weight = 9 },
        };
        using var reopened = new CellTable(TablePath, 1024, reweighted, _time);
        Assert.All(before, p => Assert.Equal(p.Value, reopened.Resolve(p.Key, reweighted, _ => true)!.Cell));
        Assert.Equal(CellSource.Override, reopened.Find("c7")!.Source);
        Assert.Equal(CellMark.Draining, reopened.MarkOf("cell-a"));
        Assert.Equal(512, reopened.BucketsPerCell()["cell-a"]);
        Assert.Equal(300, reopened.Count("cell-a") + reopened.Count("cell-b"));
    }

    [Fact]
    public async Task Resolve_ManyParallelCallers_PlaceEachCustomerOnce()
    {
        using var table = new CellTable(TablePath, 1024, TwoCells, _time);
        for (var round = 0; round < 3; round++)
        {
            var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentBag<string>>();
            await Task.WhenAll(Enumerable.Range(0, 16).Select(worker => Task.Run(() =>
            {
                for (var i = 0; i < 200; i++)
                {
                    var customer = $"r{round}-c{i}";
                    seen.GetOrAdd(customer, _ => []).Add(table.Resolve(customer, TwoCells, _ => true)!.Cell);
                }
            }, TestContext.Current.CancellationToken)));

            Assert.All(seen, p => Assert.Single(p.Value.Distinct()));
        }

        Assert.Equal(600, table.Count("cell-a") + table.Count("cell-b"));
    }
}
