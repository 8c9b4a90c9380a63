using System.Text.RegularExpressions;

namespace Bulwark.DataProducts.Tests.Building;

public sealed partial class DataProductBuilderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SaleRecorded Sale(string id, string customer, long cents = 1999) =>
        new(id, customer, $"{customer}@example.com", cents, new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero));

    [Fact]
    public async Task BuildAsync_FromEvents_PublishesEveryRowWithTheContractsColumnsAndContract()
    {
        await using var rig = await DataProductRig.StartAsync();
        await rig.RecordAsync(Sale("s1", "customer:ada", 1999));
        await rig.RecordAsync(Sale("s2", "customer:bob", 25_000));
        await rig.RecordAsync(Sale("s3", "customer:ada", 500));

        var version = await rig.BuildAsync();

        Assert.Equal(1, version.Version);
        Assert.Equal(3, version.Rows);
        var folder = rig.Store.FolderOf(SalesProduct.Id, 1)!;
        Assert.EndsWith(Path.Combine("sales", "v1", "000001"), folder, StringComparison.Ordinal);
        var schema = await ParquetDataset.ReadSchemaAsync(Path.Combine(folder, DataProductStore.DataFile), Ct);
        var contract = SalesProduct.Declared();
        Assert.Equal(contract.PublishedFields.Select(f => (f.Name, f.PublishedType, !f.Required)), schema);
        Assert.DoesNotContain(schema, c => c.Name == "email");

        var rows = await rig.RowsAsync(1);
        Assert.Equal(["s1", "s2", "s3"], rows.Select(r => (string)r["sale_id"]!));
        Assert.Equal([1999L, 25_000L, 500L], rows.Select(r => (long)r["amount_cents"]!));
        Assert.Equal([false, true, false], rows.Select(r => (bool)r["vip"]!));
        Assert.All(rows, r => Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero), r["at"]));
        Assert.All(rows, r => Assert.Null(r["note"]));
        Assert.Equal(contract, DataContractJson.Read(await File.ReadAllTextAsync(Path.Combine(folder, DataProductStore.ContractFile), Ct)), ContractComparer.Instance);
    }

    [Fact]
    public async Task BuildAsync_AfterASubjectIsForgotten_LeavesTheirRowsOutOfTheNextVersion()
    {
        await using var rig = await DataProductRig.StartAsync();
        await rig.RecordAsync(Sale("s1", "customer:ada"));
        await rig.RecordAsync(Sale("s2", "customer:bob"));
        await rig.RecordAsync(Sale("s3", "customer:ada"));
        var before = await rig.BuildAsync();

        await rig.Keys.DeleteKeyAsync("customer:ada", Ct);
        var after = await rig.BuildAsync();

        Assert.Equal(3, before.Rows);
        Assert.Equal(2, after.Version);
        Assert.Equal(1, after.Rows);
        Assert.Equal(2, after.ForgottenRowsLeftOut);
        Assert.Equal(["s2"], (await rig.RowsAsync(2)).Select(r => (string)r["sale_id"]!));
        // The earlier version is not rewritten: it goes when retention prunes it (docs/data-products.md).
        Assert.Equal(3, (await rig.RowsAsync(1)).Count);
    }

    [Fact]
    public async Task BuildAsync_PersonalField_IsAKeyedPseudonymStableForOnePersonAndNeverTheRawValue()
    {
        await using var rig = await DataProductRig.StartAsync();
        await rig.RecordAsync(Sale("s1", "customer:ada"));
        await rig.RecordAsync(Sale("s2", "customer:bob"));
        await rig.RecordAsync(Sale("s3", "customer:ada"));
        await rig.BuildAsync();
        await rig.BuildAsync();

        var rows = await rig.RowsAsync(1);
        var ada = (string)rows[0]["customer"]!;
        Assert.Matches(HexPseudonym(), ada);
        Assert.NotEqual("customer:ada", ada);
        Assert.DoesNotContain(rows, r => r.Values.Any(v => v is string s && (s.Contains("ada", StringComparison.Ordinal) || s.Contains('@', StringComparison.Ordinal))));
        Assert.Equal(ada, rows[2]["customer"]);
        Assert.NotEqual(ada, rows[1]["customer"]);
        Assert.Equal(rows.Select(r => r["customer"]), (await rig.RowsAsync(2)).Select(r => r["customer"]));

        // Under another key the same person gets another pseudonym: without the key it cannot be recomputed.
        await using var other = await DataProductRig.StartAsync(key: Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray()));
        await other.RecordAsync(Sale("s1", "customer:ada"));
        await other.BuildAsync();
        Assert.NotEqual(ada, (await other.RowsAsync(1))[0]["customer"]);
    }

    [Fact]
    public async Task BuildAsync_ProjectionEmitsAValueItsContractDoesNotAllow_PublishesNothing()
    {
        var wrongType = new SalesProduct(row: s => new(StringComparer.Ordinal)
        {
            ["sale_id"] = s.SaleId, ["customer"] = s.Customer, ["email"] = s.Email, ["amount_cents"] = s.AmountCents.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["vip"] = false, ["at"] = s.At,
        });
        await using var rig = await DataProductRig.StartAsync(wrongType);
        await rig.RecordAsync(Sale("s1", "customer:ada"));

        var error = await Assert.ThrowsAsync<DataContractViolationException>(() => rig.BuildAsync());

        Assert.Equal("amount_cents", error.Field);
        Assert.Empty(rig.Store.Versions(SalesProduct.Id));
        var folder = Path.Combine(rig.Store.Root, SalesProduct.Id);
        Assert.False(Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any(), "a rejected build left files behind");
    }

    [Fact]
    public async Task BuildAsync_ProjectionEmitsAnUndeclaredField_PublishesNothing()
    {
        var undeclared = new SalesProduct(row: s => new(StringComparer.Ordinal)
        {
            ["sale_id"] = s.SaleId, ["customer"] = s.Customer, ["email"] = s.Email, ["amount_cents"] = s.AmountCents,
            ["vip"] = false, ["at"] = s.At, ["postcode"] = "10115",
        });
        await using var rig = await DataProductRig.StartAsync(undeclared);
        await rig.RecordAsync(Sale("s1", "customer:ada"));

        var error = await Assert.ThrowsAsync<DataContractViolationException>(() => rig.BuildAsync());

        Assert.Equal("postcode", error.Field);
        Assert.Empty(rig.Store.Versions(SalesProduct.Id));
    }

    [Fact]
    public async Task BuildAsync_ManyParallelCallers_PublishOneVersionEachInOrder()
    {
        await using var rig = await DataProductRig.StartAsync();
        await rig.RecordAsync(Sale("s1", "customer:ada"));
        var expected = 0L;
        for (var round = 0; round < 3; round++)
        {
            var built = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => rig.BuildAsync(), Ct)));

            Assert.Equal(Enumerable.Range((int)expected + 1, 6).Select(v => (long)v), built.Select(v => v.Version).Order());
            expected += 6;
        }

        // Ten kept (KeepVersions), no half-written staging folder left behind.
        Assert.Equal(Enumerable.Range(9, 10).Select(v => (long)v), rig.Store.Versions(SalesProduct.Id).Select(v => v.Version));
        Assert.DoesNotContain(Directory.EnumerateDirectories(Path.Combine(rig.Store.Root, SalesProduct.Id)), d => Path.GetFileName(d).StartsWith('.'));
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex HexPseudonym();
}

/// <summary>Compares contracts by value, fields included (records compare lists by reference).</summary>
internal sealed class ContractComparer : IEqualityComparer<DataContract>
{
    public static readonly ContractComparer Instance = new();

    public bool Equals(DataContract? x, DataContract? y) =>
        x is not null && y is not null && (x with { Fields = Array.Empty<ContractField>() }) == (y with { Fields = Array.Empty<ContractField>() }) && x.Fields.SequenceEqual(y.Fields);

    public int GetHashCode(DataContract obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
}
