using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Modules;

namespace Shop.Architecture.Tests;

/// <summary>
/// Issue 11, item 5: every shop module has the one shape (<see cref="IShopModule"/>), the host adds every module
/// through <c>AddShopModule&lt;T&gt;</c>, and no module keeps a registration of its own shape or a database wrapper.
/// </summary>
public sealed class ModuleShapeTests
{
    public static TheoryData<string> Modules => ModuleBoundaryTests.Modules;

    [Theory]
    [MemberData(nameof(Modules))]
    public void Module_HasOneEntryPoint_ThatIsAShopModuleNamedAfterIt(string module)
    {
        var assembly = ModuleBoundaryTests.AssemblyOf(module);
        Assert.Equal(module, assembly.GetName().Name);

        // One module, one name; a module placed in two ways (Reviews: in process or remote) has one entry type per
        // placement, each of the one shape and each named after the module.
        var entries = assembly.GetExportedTypes().Where(t => t.Name.EndsWith("Module", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(entries);
        foreach (var entry in entries)
        {
            Assert.True(typeof(IShopModule).IsAssignableFrom(entry), $"{entry.FullName} does not implement {nameof(IShopModule)}.");
            Assert.Equal(module["Shop.".Length..].ToLowerInvariant(), NameOf(entry));
        }
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Module_KeepsNoRegistrationOfItsOwnShape(string module)
    {
        // The shapes the one shape replaced: AddXModule(...) with a connection string, IConfiguration or nothing, and
        // MapXEndpoints(...) extension methods.
        var ownShapes = ModuleBoundaryTests.AssemblyOf(module).GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.ReturnType == typeof(IServiceCollection) || m.ReturnType == typeof(IHttpClientBuilder)
                || (m.Name.StartsWith("Map", StringComparison.Ordinal) && m.Name.EndsWith("Endpoints", StringComparison.Ordinal)
                    && m.Name != nameof(IShopModule.MapEndpoints)))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}")
            .ToArray();

        Assert.Empty(ownShapes);
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Module_DeclaresNoDatabaseWrapper(string module)
    {
        // One generic ModuleDatabase<TModule> serves every module; a per-module wrapper class is the repeat it replaced.
        var wrappers = ModuleBoundaryTests.AssemblyOf(module).GetTypes()
            .Where(t => t.Name.EndsWith("Database", StringComparison.Ordinal))
            .Select(t => t.FullName)
            .ToArray();

        Assert.Empty(wrappers);
    }

    [Fact]
    public async Task Host_AddsEveryModule_ThroughAddShopModule()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "bulwark-shape-" + Guid.NewGuid().ToString("N"));
        await using var app = Shop.Host.ShopApp.Build(["--environment=Development", $"--Shop:Data:Path={dataPath}", "--Shop:Externals:Launch=false"]);

        var added = app.Services.GetServices<ShopModuleRegistration>().Select(r => r.Type.Assembly.GetName().Name).ToArray();

        Assert.Equal(ModuleBoundaryTests.ModuleNames.Order(StringComparer.Ordinal), added.Order(StringComparer.Ordinal));
        Directory.Delete(dataPath, recursive: true);
    }

    private static string NameOf(Type module) =>
        (string)module.GetProperty(nameof(IShopModule.Name), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
}
