using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Bulwark.DataProducts;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Modules;

namespace Shop.Architecture.Tests;

/// <summary>
/// Issue 14, item 5 (Codex 33): each data product is declared by the module that owns it, built only from that
/// module's events, and never changes its schema under readers without the version its change needs; Analytics reads
/// data products, never another module's tables.
/// </summary>
public sealed class DataProductContractTests
{
    // Set to 1 to rewrite the committed snapshots from the declared contracts, after a reviewed version change.
    private const string UpdateVariable = "BULWARK_UPDATE_CONTRACT_SNAPSHOTS";

    public static TheoryData<string, string> Products => new() { { "orders", "Shop.Orders" }, { "catalogue", "Shop.Catalog" }, { "payments", "Shop.Payments" } };

    private static readonly Lazy<IReadOnlyList<DataProduct>> Declared = new(() =>
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "bulwark-dp-arch-" + Guid.NewGuid().ToString("N"));
        using var app = Shop.Host.ShopApp.Build(["--environment=Development", $"--Shop:Data:Path={dataPath}", "--Shop:Externals:Launch=false"]);
        var products = app.Services.GetServices<DataProduct>().ToArray();
        if (Directory.Exists(dataPath))
        {
            Directory.Delete(dataPath, recursive: true);
        }

        return products;
    });

    private static string SnapshotPath(string id)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bulwark.slnx")))
            {
                return Path.Combine(dir.FullName, "tests", "Shop.Architecture.Tests", "DataProducts", $"{id}.contract.json");
            }
        }

        throw new InvalidOperationException("Bulwark.slnx not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void Host_RegistersExactlyTheThreeModuleOwnedProducts() =>
        Assert.Equal(["catalogue", "orders", "payments"], Declared.Value.Select(p => p.Contract.Id).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Products))]
    public void Product_IsDeclaredInItsOwningModule_AndReadsOnlyThatModulesEvents(string id, string module)
    {
        var product = Assert.Single(Declared.Value, p => p.Contract.Id == id);
        var moduleType = ModuleBoundaryTests.AssemblyOf(module).GetExportedTypes().Single(t => typeof(IShopModule).IsAssignableFrom(t));
        var moduleName = (string)moduleType.GetProperty(nameof(IShopModule.Name), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

        Assert.Equal(module, product.GetType().Assembly.GetName().Name);
        Assert.Equal(moduleName, product.Contract.Owner);
        Assert.NotEmpty(product.SourceEvents);
        Assert.All(product.SourceEvents, e => Assert.StartsWith($"{moduleName}.", e, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Products))]
    public void Contract_ComparedWithTheCommittedSnapshot_ChangesOnlyWithTheVersionItNeeds(string id, string module)
    {
        _ = module;
        var declared = Assert.Single(Declared.Value, p => p.Contract.Id == id).Contract;
        var path = SnapshotPath(id);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, DataContractJson.Write(declared) + "\n");
        }

        Assert.True(File.Exists(path), $"No committed contract snapshot for '{id}' at {path}. Run this test once with {UpdateVariable}=1 and commit the file.");
        var published = DataContractJson.Read(File.ReadAllText(path));

        var problems = ContractCompatibility.Check(published, declared);

        Assert.True(problems.Count == 0, $"Data product '{id}' changed under its readers:\n{string.Join("\n", problems)}");
    }

    [Fact]
    public void Contract_WithAFieldRemovedAndTheSameMajor_FailsAgainstTheSnapshot()
    {
        // The check above, fed a producer's breaking change: orders drops total_cents but stays 1.x.
        var published = DataContractJson.Read(File.ReadAllText(SnapshotPath("orders")));
        var broken = published with { Version = "1.1.0", Fields = [.. published.Fields.Where(f => f.Name != "total_cents")] };

        Assert.Contains(ContractCompatibility.Check(published, broken), p => p.Contains("'total_cents' was removed", StringComparison.Ordinal));
    }

    [Fact]
    public void Analytics_HoldsNoTextNamingAnotherModulesTables()
    {
        var offending = TableNamesIn(typeof(Shop.Analytics.AnalyticsModule).Assembly, exceptModule: "Shop.Analytics");

        Assert.True(offending.Count == 0, $"Shop.Analytics names other modules' tables (read their data products instead): {string.Join(", ", offending)}");
    }

    [Fact]
    public void TableNamesIn_AModuleThatQueriesItsTables_FindsThem()
    {
        // The rule above must be able to fail: Orders' own SQL names orders_ tables, seen from Analytics' side.
        var found = TableNamesIn(typeof(Shop.Orders.OrdersModule).Assembly, exceptModule: "Shop.Analytics");

        Assert.Contains(found, s => s.Contains("orders_history", StringComparison.Ordinal));
    }

    // Every string literal in the assembly (the #US heap) that names a table of another module: tables are prefixed
    // with the module's name and an underscore (IShopModule.Name).
    private static List<string> TableNamesIn(Assembly assembly, string exceptModule)
    {
        var prefixes = ModuleBoundaryTests.ModuleNames.Where(m => m != exceptModule)
            .Select(m => ModuleBoundaryTests.AssemblyOf(m).GetExportedTypes().First(t => typeof(IShopModule).IsAssignableFrom(t)))
            .Select(t => (string)t.GetProperty(nameof(IShopModule.Name), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)! + "_")
            .ToArray();
        using var pe = new PEReader(File.OpenRead(assembly.Location));
        var metadata = pe.GetMetadataReader();
        var found = new List<string>();
        var handle = MetadataTokens.UserStringHandle(1);
        while (!handle.IsNil)
        {
            var text = metadata.GetUserString(handle);
            if (prefixes.Any(p => text.Contains(p, StringComparison.OrdinalIgnoreCase)))
            {
                found.Add(text);
            }

            handle = metadata.GetNextHandle(handle);
        }

        return found;
    }
}
