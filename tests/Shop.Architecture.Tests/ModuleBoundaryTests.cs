using System.Reflection;
using NetArchTest.Rules;

namespace Shop.Architecture.Tests;

/// <summary>
/// The modular monolith's rules (Codex 31): a module shows the world only its registration class and its
/// Contracts namespace, and reaches other modules only through theirs. Data-driven: add each new module here.
/// </summary>
public sealed class ModuleBoundaryTests
{
    public static TheoryData<string> Modules => new() { "Shop.Catalog", "Shop.Inventory", "Shop.Reviews", "Shop.Payments", "Shop.Identity", "Shop.Orders", "Shop.Wallet", "Shop.Storefront", "Shop.Reporting", "Shop.Notifications", "Shop.Rewards", "Shop.Analytics", "Shop.Returns" };

    private static readonly Dictionary<string, Assembly> Assemblies = new()
    {
        ["Shop.Catalog"] = typeof(Shop.Catalog.CatalogModule).Assembly,
        ["Shop.Inventory"] = typeof(Shop.Inventory.InventoryModule).Assembly,
        ["Shop.Reviews"] = typeof(Shop.Reviews.ReviewsModule).Assembly,
        ["Shop.Payments"] = typeof(Shop.Payments.PaymentsModule).Assembly,
        ["Shop.Identity"] = typeof(Shop.Identity.IdentityModule).Assembly,
        ["Shop.Orders"] = typeof(Shop.Orders.OrdersModule).Assembly,
        ["Shop.Wallet"] = typeof(Shop.Wallet.WalletModule).Assembly,
        ["Shop.Storefront"] = typeof(Shop.Storefront.StorefrontModule).Assembly,
        ["Shop.Reporting"] = typeof(Shop.Reporting.ReportingModule).Assembly,
        ["Shop.Notifications"] = typeof(Shop.Notifications.NotificationsModule).Assembly,
        ["Shop.Rewards"] = typeof(Shop.Rewards.RewardsModule).Assembly,
        ["Shop.Analytics"] = typeof(Shop.Analytics.AnalyticsModule).Assembly,
        ["Shop.Returns"] = typeof(Shop.Returns.ReturnsModule).Assembly,
    };

    /// <summary>Every module's assembly name.</summary>
    public static IEnumerable<string> ModuleNames => Assemblies.Keys;

    /// <summary>The assembly of <paramref name="module"/>, for rules kept in other classes.</summary>
    public static Assembly AssemblyOf(string module) => Assemblies[module];

    // A module that orchestrates others, or subscribes to their events, loads their assemblies and may then use only
    // their Contracts (the namespace rules below); a publisher never references its subscribers.
    private static readonly Dictionary<string, string[]> AllowedModuleReferences = new()
    {
        ["Shop.Orders"] = ["Shop.Catalog", "Shop.Inventory", "Shop.Payments"],
        ["Shop.Storefront"] = ["Shop.Catalog", "Shop.Inventory", "Shop.Reviews"],
        ["Shop.Reporting"] = ["Shop.Catalog"],
        ["Shop.Notifications"] = ["Shop.Identity", "Shop.Orders"],
        ["Shop.Rewards"] = ["Shop.Identity", "Shop.Orders"],
        ["Shop.Analytics"] = ["Shop.Identity", "Shop.Orders"],
        ["Shop.Returns"] = ["Shop.Orders"],
        ["Shop.Wallet"] = ["Shop.Identity"],
    };

    [Theory]
    [MemberData(nameof(Modules))]
    public void PublicTypes_OfAModule_AreOnlyItsEntryPointAndContracts(string module)
    {
        var assembly = Assemblies[module];
        // Checked against the module's own assembly, by name, so a copy-pasted rule cannot silently test another one.
        Assert.Equal(module, assembly.GetName().Name);

        var result = Types.InAssembly(assembly)
            .That().ArePublic()
            .And().DoNotResideInNamespace($"{module}.Contracts")
            .And().DoNotHaveNameMatching("Module$")
            .Should().NotBePublic()
            .GetResult();

        Assert.True(result.IsSuccessful, $"{module} exposes internals: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Module_ReferencesOtherModules_OnlyThroughTheirContracts(string module)
    {
        var others = Assemblies.Keys.Where(m => m != module).ToArray();
        var forbidden = others.SelectMany(o => new[] { $"{o}.Data", $"{o}.Api", $"{o}.Domain", $"{o}.Application", $"{o}.Provider", $"{o}.Adapters", $"{o}.Users", $"{o}.Ports" }).ToArray();
        var result = Types.InAssembly(Assemblies[module]).ShouldNot().HaveDependencyOnAny(forbidden).GetResult();

        Assert.True(result.IsSuccessful, $"{module} reaches into another module: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Module_NeverReferencesTheHostOrTheStandIns(string module)
    {
        // Assembly references, not namespace prefixes: a module must not even load the host or the stand-ins.
        var references = Assemblies[module].GetReferencedAssemblies().Select(a => a.Name).ToArray();

        Assert.DoesNotContain("Shop.Host", references);
        Assert.DoesNotContain("Shop.Externals", references);
        var allowed = AllowedModuleReferences.GetValueOrDefault(module, []);
        Assert.DoesNotContain(references, r => r is not null && Assemblies.ContainsKey(r) && r != module && !allowed.Contains(r));
        // A module's core is its own business: only the module itself may load it. Shop cores only: Polly.Core is a library.
        Assert.DoesNotContain(references, r => r is not null && r.StartsWith("Shop.", StringComparison.Ordinal) && r.EndsWith(".Core", StringComparison.Ordinal) && !r.StartsWith(module + ".", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Module_UsesOnlyTheContractsOfTheModulesItReferences(string module)
    {
        foreach (var publisher in AllowedModuleReferences.GetValueOrDefault(module, []))
        {
            var result = Types.InAssembly(Assemblies[module])
                .ShouldNot().HaveDependencyOnAny($"{publisher}.Adapters", $"{publisher}.Api", $"{publisher}.Users", $"{publisher}.Ports", $"{publisher}.Data", $"{publisher}.Domain", $"{publisher}.Application")
                .GetResult();
            var entry = Types.InAssembly(Assemblies[module]).ShouldNot().HaveDependencyOn($"{publisher}.{publisher["Shop.".Length..]}Module").GetResult();

            Assert.True(result.IsSuccessful && entry.IsSuccessful, $"{module} uses more of {publisher} than its Contracts");
        }
    }

    [Fact]
    public void IdentityCore_ReferencesNoInfrastructure()
    {
        // Codex 10: the hexagon's core knows only the base class library; adapters live outside it.
        var core = typeof(Shop.Identity.Users.RegistrationService).Assembly;
        Assert.Equal("Shop.Identity.Core", core.GetName().Name);

        var references = core.GetReferencedAssemblies().Select(a => a.Name!).ToArray();

        Assert.All(references, r => Assert.True(r.StartsWith("System", StringComparison.Ordinal) || r is "netstandard" or "mscorlib", $"Shop.Identity.Core references {r}"));
    }

    [Fact]
    public void Host_UsesModulesOnlyThroughEntryPointsAndContracts()
    {
        var internals = Assemblies.Keys.SelectMany(o => new[] { $"{o}.Data", $"{o}.Api", $"{o}.Provider" }).ToArray();

        var result = Types.InAssembly(typeof(Shop.Host.ShopApp).Assembly).ShouldNot().HaveDependencyOnAny(internals).GetResult();

        Assert.True(result.IsSuccessful, $"the host reaches into a module: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }
}
