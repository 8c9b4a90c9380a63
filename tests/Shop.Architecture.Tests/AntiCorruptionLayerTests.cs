using System.Reflection;
using NetArchTest.Rules;

namespace Shop.Architecture.Tests;

/// <summary>
/// Codex 08: the legacy ERP's model stops at Inventory's anti-corruption layer (<c>Shop.Inventory.LegacyErp</c>:
/// translator and facade). No other type of the module may use a type of the layer, nor carry an ERP name in its own
/// names (types, members, parameters), so swapping the ERP touches the layer and the composition only.
/// </summary>
public sealed class AntiCorruptionLayerTests
{
    private const string Layer = "Shop.Inventory.LegacyErp";

    // The ERP's vocabulary: its name, its field names and its units. A domain type carrying one of them is a leak.
    private static readonly string[] ErpVocabulary = ["Erp", "Sap", "Matnr", "Werks", "Meins", "Labst", "Verpr", "Waers", "Mb52", "Pack", "Plant", "Material"];

    private static readonly Assembly Inventory = typeof(Shop.Inventory.InventoryModule).Assembly;

    [Fact]
    public void InventoryOutsideTheLayer_UsesNoTypeOfTheLayer()
    {
        Assert.Equal("Shop.Inventory", Inventory.GetName().Name);
        Assert.NotEmpty(Types.InAssembly(Inventory).That().ResideInNamespace(Layer).GetTypes());

        // The module's entry point composes the layer in (it registers the facade as the count source): nothing else may.
        var result = Types.InAssembly(Inventory)
            .That().DoNotResideInNamespace(Layer)
            .And().DoNotHaveName("InventoryModule")
            .ShouldNot().HaveDependencyOn(Layer)
            .GetResult();

        Assert.True(result.IsSuccessful, $"ERP types leak past the anti-corruption layer into: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void InventoryOutsideTheLayer_CarriesNoErpName()
    {
        var leaks = new List<string>();
        foreach (var type in Inventory.GetTypes().Where(t => t.Namespace is not null && !t.Namespace.StartsWith(Layer, StringComparison.Ordinal) && t.Name != "InventoryModule"))
        {
            var names = new List<string> { type.Name };
            const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var member in type.GetMembers(All))
            {
                names.Add(member.Name);
                if (member is MethodBase method)
                {
                    names.AddRange(method.GetParameters().Select(p => p.Name ?? ""));
                }
            }

            // PascalCase words anywhere, camelCase at the start (a parameter "erpUrl"); ignoring case would flag "Interpret".
            leaks.AddRange(names.Where(n => ErpVocabulary.Any(word => n.Contains(word, StringComparison.Ordinal) || n.StartsWith(word.ToLowerInvariant(), StringComparison.Ordinal)))
                .Select(n => $"{type.FullName}: {n}"));
        }

        Assert.True(leaks.Count == 0, "ERP names outside the anti-corruption layer: " + string.Join(", ", leaks.Distinct()));
    }

    [Fact]
    public void Inventory_NeverLoadsTheErpStandIn()
    {
        Assert.DoesNotContain("Shop.Externals", Inventory.GetReferencedAssemblies().Select(a => a.Name));
    }
}
