using System.Reflection;

namespace Bulwark.Architecture.Tests;

/// <summary>
/// Dependencies point inward (issue 11, docs/adr/0004-dependency-direction.md): cores and bridges reference no
/// ASP.NET Core and no infrastructure client, checked three ways (project files, the restore graph, the compiled
/// assembly); every project reference goes down the layer table; adapters stay off ASP.NET Core; one core's SQL store
/// on one database pulls in no other core.
/// </summary>
public sealed class DependencyDirectionTests
{
    public static TheoryData<string> Libraries => [.. ProjectGraph.Libraries()];

    public static TheoryData<string> CoresAndBridges => InLayers(Layer.Core, Layer.Bridge);

    public static TheoryData<string> Adapters => InLayers(Layer.Adapter);

    public static TheoryData<string> Surfaces => InLayers(Layer.Surface);

    public static TheoryData<string> SqlStoreAdapters => [.. PackageLayers.SqlStoreAdapters];

    public static TheoryData<string, string> OneStoreOnOneDatabase
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var core in PackageLayers.SqlStoreCores.Keys)
            {
                foreach (var adapter in PackageLayers.SqlStoreAdapters)
                {
                    data.Add(core, adapter);
                }
            }

            return data;
        }
    }

    [Fact]
    public void EveryLibrary_HasALayer()
    {
        var unclassified = ProjectGraph.Libraries().Where(l => !PackageLayers.Of.ContainsKey(l)).ToList();

        Assert.True(unclassified.Count == 0, $"Give these packages a layer in PackageLayers.Of: {string.Join(", ", unclassified)}.");
    }

    [Theory]
    [MemberData(nameof(CoresAndBridges))]
    public void Core_ProjectFiles_DeclareNoAspNetCoreNorInfrastructureClient(string core)
    {
        var declared = ProjectGraph.DeclareWithReferences(core);

        var banned = declared.Packages.Where(p => PackageLayers.IsBannedInCore(Id(p)))
            .Concat(declared.Frameworks.Where(f => Id(f) == PackageLayers.AspNetCoreFramework))
            .ToList();
        Assert.True(banned.Count == 0, $"{core} declares {string.Join(", ", banned)}.");
    }

    [Theory]
    [MemberData(nameof(CoresAndBridges))]
    public void Core_RestoreGraph_PullsInNoAspNetCoreNorInfrastructureClient(string core)
    {
        // Transitive: a harmless-looking package that brings the ASP.NET Core framework or a client fails here.
        var resolved = ProjectGraph.Resolve(core);

        var banned = resolved.Libraries.Where(PackageLayers.IsBannedInCore)
            .Concat(resolved.Frameworks.Where(f => Id(f) == PackageLayers.AspNetCoreFramework))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        Assert.True(banned.Count == 0, $"{core} pulls in {string.Join(", ", banned)}.");
    }

    [Theory]
    [MemberData(nameof(CoresAndBridges))]
    public void Core_CompiledAssembly_ReferencesNoAspNetCoreNorInfrastructureClient(string core)
    {
        var assembly = Assembly.Load(core);
        // Checked against the package it names, so a rule cannot silently test another assembly.
        Assert.Equal(core, assembly.GetName().Name);

        var banned = assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(PackageLayers.IsBannedInCore).ToList();
        Assert.True(banned.Count == 0, $"{core}'s code uses {string.Join(", ", banned)}.");
    }

    [Theory]
    [MemberData(nameof(Libraries))]
    public void Library_ProjectReferences_PointDownTheLayerTable(string library)
    {
        var layer = PackageLayers.Of[library];
        var allowed = PackageLayers.MayReference[layer];

        var wrong = ProjectGraph.Declare(library).Projects
            .Where(p => !PackageLayers.Of.TryGetValue(p, out var target) || !allowed.Contains(target))
            .Where(p => !(layer == Layer.Adapter && PackageLayers.IsOwnInfrastructure(library, p)))
            .Select(p => $"{p} ({(PackageLayers.Of.TryGetValue(p, out var target) ? target.ToString() : "no layer")})")
            .ToList();
        Assert.True(wrong.Count == 0, $"{library} ({layer}) may reference only {string.Join("/", allowed)}, but references {string.Join(", ", wrong)}.");
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public void Adapter_ReferencesNoAspNetCore(string adapter)
    {
        var declared = ProjectGraph.DeclareWithReferences(adapter);

        var web = declared.Packages.Where(p => PackageLayers.IsAspNetCore(Id(p)))
            .Concat(declared.Frameworks.Where(f => Id(f) == PackageLayers.AspNetCoreFramework))
            .ToList();
        Assert.True(web.Count == 0, $"{adapter} drags in ASP.NET Core: {string.Join(", ", web)}.");
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public void Adapter_ReferencesNoMoreCoresThanItsCeiling(string adapter)
    {
        var ceiling = PackageLayers.AdapterCeilings[adapter];

        var extra = ProjectGraph.Declare(adapter).Projects.Except(ceiling, StringComparer.Ordinal).ToList();
        Assert.True(extra.Count == 0, $"{adapter} gained references {string.Join(", ", extra)}; split the adapter per concept instead.");
    }

    [Theory]
    [MemberData(nameof(SqlStoreAdapters))]
    public void SqlStoreAdapter_PullsInNoCoreButTheDataLayer(string adapter)
    {
        // Transitively, through every project reference: the adapter serves each core without depending on any.
        var pulled = ProjectGraph.DeclareWithReferences(adapter).Projects;

        var cores = pulled.Where(p => p != "Bulwark.Data").ToList();
        Assert.True(cores.Count == 0, $"{adapter} pulls in {string.Join(", ", cores)}; a core registers its own SQL store through ISqlStoreBuilder.");
    }

    [Theory]
    [MemberData(nameof(OneStoreOnOneDatabase))]
    public void OneCoresStore_OnOneDatabase_PullsInNoOtherCore(string core, string adapter)
    {
        // What a user takes for, say, the SQLite outbox: the core and the adapter, with everything they reference.
        var taken = ProjectGraph.DeclareWithReferences(core).Projects
            .Concat(ProjectGraph.DeclareWithReferences(adapter).Projects)
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("Bulwark.Data", taken);

        var allowed = PackageLayers.SqlStoreCores[core].Append(core).Append(adapter).Append("Bulwark.Data");
        var extra = taken.Except(allowed, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        Assert.True(extra.Count == 0, $"{core} on {adapter} also pulls in {string.Join(", ", extra)}.");
    }

    [Theory]
    [MemberData(nameof(Surfaces))]
    public void Surface_ReferencesNoInfrastructureClient(string surface)
    {
        var declared = ProjectGraph.DeclareWithReferences(surface);

        var allowed = PackageLayers.SurfaceClientExceptions.GetValueOrDefault(surface, []);
        var clients = declared.Packages.Where(p => PackageLayers.IsInfrastructureClient(Id(p)) && !allowed.Contains(Id(p))).ToList();
        Assert.True(clients.Count == 0, $"{surface} references {string.Join(", ", clients)}; clients belong in adapter packages.");
    }

    // Only packages that exist: the table may name one a parallel branch is adding.
    private static TheoryData<string> InLayers(params Layer[] layers) =>
        [.. ProjectGraph.Libraries().Where(l => PackageLayers.Of.TryGetValue(l, out var layer) && layers.Contains(layer))];

    // "Npgsql (via Bulwark.Postgres)" → "Npgsql".
    private static string Id(string described) => described.Split(' ')[0];
}
