using System.Reflection;
using NetArchTest.Rules;

namespace Shop.Architecture.Tests;

/// <summary>
/// Codex 31, a module extracted, and the Team Autonomy test: Reviews runs in the shop or in its own process
/// (<c>Shop.Reviews.Host</c>) by configuration. That holds only while nothing else in the shop depends on more of it
/// than <c>Shop.Reviews.Contracts</c> and its registration class, and while its own process needs no other module.
/// </summary>
public sealed class ExtractedModuleTests
{
    private const string Module = "Shop.Reviews";

    private static readonly Assembly Reviews = typeof(Shop.Reviews.ReviewsModule).Assembly;
    private static readonly Assembly ReviewsHost = typeof(Shop.Reviews.Host.ReviewsServiceApp).Assembly;

    // Every shop assembly that is not the Reviews module or its own host: the rest of the monolith.
    private static readonly Assembly[] RestOfTheShop = [typeof(Shop.Host.ShopApp).Assembly, .. ShopModules.AllBut(Reviews)];

    [Fact]
    public void RestOfTheShop_UsesReviewsOnlyThroughItsContractsAndEntryPoint()
    {
        Assert.Equal(Module, Reviews.GetName().Name);
        var internals = Reviews.GetTypes()
            .Where(t => t.Namespace is { } ns && ns != $"{Module}.Contracts" && t.Name != "ReviewsModule" && !t.Name.StartsWith('<'))
            .Select(t => t.Namespace!)
            .Distinct()
            .Where(ns => ns != Module)
            .ToArray();
        // Data and Remote at least: a rule over an empty list would pass whatever the shop did.
        Assert.Contains($"{Module}.Data", internals);
        Assert.Contains($"{Module}.Remote", internals);

        var failures = RestOfTheShop
            .Select(a => (Assembly: a.GetName().Name, Result: Types.InAssembly(a).ShouldNot().HaveDependencyOnAny(internals).GetResult()))
            .Where(r => !r.Result.IsSuccessful)
            .Select(r => $"{r.Assembly}: {string.Join(", ", r.Result.FailingTypeNames ?? [])}")
            .ToList();

        Assert.True(failures.Count == 0, "reaches into Reviews' internals, so Reviews cannot leave the process: " + string.Join("; ", failures));
    }

    [Fact]
    public void ReviewsAndItsOwnHost_NeedNoOtherModule()
    {
        // The reviews team ships its process without rebuilding anyone else's module.
        var modules = RestOfTheShop.Select(a => a.GetName().Name).ToHashSet();

        foreach (var assembly in new[] { Reviews, ReviewsHost })
        {
            var references = assembly.GetReferencedAssemblies().Select(a => a.Name).ToArray();
            Assert.DoesNotContain(references, r => r is not null && modules.Contains(r));
        }
    }

    [Fact]
    public void ReviewsHost_ComposesTheModuleOnlyThroughItsEntryPoint()
    {
        var result = Types.InAssembly(ReviewsHost).ShouldNot().HaveDependencyOnAny($"{Module}.Data", $"{Module}.Remote").GetResult();

        Assert.True(result.IsSuccessful, $"the reviews service reaches into the module: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }
}

/// <summary>
/// The second extraction, a module that takes part in the bus: Notifications runs in the shop or in its own process
/// (<c>Shop.Notifications.Host</c>) on the shared broker. That holds while the rest of the shop knows only its contracts
/// and entry points, and while it knows other modules only by their contracts and entry points (events in, Identity's
/// contract over HTTP through <c>RemoteIdentityModule</c>).
/// </summary>
public sealed class ExtractedNotificationsTests
{
    private const string Module = "Shop.Notifications";

    private static readonly Assembly Notifications = typeof(Shop.Notifications.NotificationsModule).Assembly;
    private static readonly Assembly NotificationsHost = typeof(Shop.Notifications.Host.NotificationsServiceApp).Assembly;

    private static readonly Assembly[] OtherModules = ShopModules.AllBut(Notifications);

    [Fact]
    public void RestOfTheShop_UsesNotificationsOnlyThroughItsContractsAndEntryPoints()
    {
        var internals = InternalNamespaces(Notifications);
        // A rule over an empty list would pass whatever the shop did.
        Assert.Contains($"{Module}.Handlers", internals);
        Assert.Contains($"{Module}.Remote", internals);

        var failures = OtherModules.Append(typeof(Shop.Host.ShopApp).Assembly)
            .Select(a => (Assembly: a.GetName().Name, Result: Types.InAssembly(a).ShouldNot().HaveDependencyOnAny(internals).GetResult()))
            .Where(r => !r.Result.IsSuccessful)
            .Select(r => $"{r.Assembly}: {string.Join(", ", r.Result.FailingTypeNames ?? [])}")
            .ToList();

        Assert.True(failures.Count == 0, "reaches into Notifications' internals, so it cannot leave the process: " + string.Join("; ", failures));
    }

    [Fact]
    public void NotificationsAndItsOwnHost_KnowOtherModulesOnlyByTheirContracts()
    {
        var others = OtherModules.SelectMany(InternalNamespaces).ToArray();
        Assert.Contains("Shop.Identity.Adapters", others);

        var module = Types.InAssembly(Notifications).ShouldNot().HaveDependencyOnAny(others).GetResult();
        var host = Types.InAssembly(NotificationsHost).ShouldNot().HaveDependencyOnAny(others).GetResult();

        Assert.True(module.IsSuccessful, $"Notifications reaches into another module: {string.Join(", ", module.FailingTypeNames ?? [])}");
        Assert.True(host.IsSuccessful, $"the notifications service reaches into another module: {string.Join(", ", host.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void NotificationsHost_ComposesTheModuleOnlyThroughItsEntryPoint()
    {
        var result = Types.InAssembly(NotificationsHost).ShouldNot().HaveDependencyOnAny($"{Module}.Api", $"{Module}.Handlers", $"{Module}.Remote").GetResult();

        Assert.True(result.IsSuccessful, $"the notifications service reaches into the module: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    // A module assembly's namespaces other than its root (the entry points) and its Contracts.
    private static string[] InternalNamespaces(Assembly assembly)
    {
        var root = assembly.GetName().Name!;
        return assembly.GetTypes()
            .Where(t => !t.Name.StartsWith('<') && t.Namespace is { } ns && ns != root && ns != $"{root}.Contracts" && !ns.StartsWith($"{root}.Contracts.", StringComparison.Ordinal))
            .Select(t => t.Namespace!)
            .Distinct()
            .ToArray();
    }
}

/// <summary>The shop's module assemblies, for rules about one module against the rest.</summary>
internal static class ShopModules
{
    private static readonly Assembly[] All =
    [
        typeof(Shop.Catalog.CatalogModule).Assembly,
        typeof(Shop.Inventory.InventoryModule).Assembly,
        typeof(Shop.Payments.PaymentsModule).Assembly,
        typeof(Shop.Identity.IdentityModule).Assembly,
        typeof(Shop.Orders.OrdersModule).Assembly,
        typeof(Shop.Wallet.WalletModule).Assembly,
        typeof(Shop.Storefront.StorefrontModule).Assembly,
        typeof(Shop.Reporting.ReportingModule).Assembly,
        typeof(Shop.Reviews.ReviewsModule).Assembly,
        typeof(Shop.Notifications.NotificationsModule).Assembly,
        typeof(Shop.Rewards.RewardsModule).Assembly,
        typeof(Shop.Analytics.AnalyticsModule).Assembly,
        typeof(Shop.Returns.ReturnsModule).Assembly,
    ];

    /// <summary>Every module assembly but <paramref name="module"/>.</summary>
    public static Assembly[] AllBut(Assembly module) => [.. All.Where(a => a != module)];
}
