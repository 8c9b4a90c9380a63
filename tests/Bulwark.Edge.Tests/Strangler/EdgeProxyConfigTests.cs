using Bulwark.Edge.Proxy;
using Bulwark.Edge.Strangler;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Edge.Tests.Strangler;

/// <summary>The edge's YARP configuration follows configuration reloads and survives a bad one.</summary>
public sealed class EdgeProxyConfigTests
{
    [Fact]
    public void Reload_Valid_SwapsRoutesAndFlipsTheRoute()
    {
        var (configuration, provider) = Build();
        using var services = provider;
        var proxy = services.GetRequiredService<EdgeProxyConfig>();
        var table = services.GetRequiredService<StranglerTable>();
        var before = proxy.GetConfig();
        Assert.Equal(StranglerSide.Legacy, table.Find("item")!.Target);

        configuration["Edge:Strangler:Routes:item:Target"] = "New";
        configuration.Reload();

        Assert.NotSame(before, proxy.GetConfig());
        Assert.True(before.ChangeToken.HasChanged);
        Assert.Equal(StranglerSide.New, table.Find("item")!.Target);
    }

    [Fact]
    public void Reload_Invalid_KeepsTheLastGoodConfiguration()
    {
        var (configuration, provider) = Build();
        using var services = provider;
        var proxy = services.GetRequiredService<EdgeProxyConfig>();
        var table = services.GetRequiredService<StranglerTable>();
        var before = proxy.GetConfig();

        configuration["Edge:Strangler:Routes:item:Target"] = "New";
        configuration["Edge:Strangler:Routes:item:New:Backend"] = "nowhere";
        configuration.Reload();

        Assert.Same(before, proxy.GetConfig());
        Assert.False(before.ChangeToken.HasChanged);
        Assert.Equal(StranglerSide.Legacy, table.Find("item")!.Target);
    }

    [Fact]
    public void Reload_UnrelatedChange_KeepsAnOperatorsFlip()
    {
        var (configuration, provider) = Build();
        using var services = provider;
        _ = services.GetRequiredService<EdgeProxyConfig>();
        var route = services.GetRequiredService<StranglerTable>().Find("item")!;
        route.Flip(StranglerSide.New);

        configuration["Edge:Strangler:Routes:item:Shadow"] = "true";
        configuration.Reload();

        Assert.Equal(StranglerSide.New, route.Target);
        Assert.True(route.Options.Shadow);
    }

    [Fact]
    public void Start_Invalid_Refuses()
    {
        var (_, provider) = Build(("Edge:Release:Canary:Steps:0", "50"), ("Edge:Release:Canary:Steps:1", "20"));
        using var services = provider;
        var error = Assert.ThrowsAny<Exception>(() => services.GetRequiredService<EdgeProxyConfig>());
        Assert.Contains("Steps", error.Message, StringComparison.Ordinal);
    }

    private static (IConfigurationRoot Configuration, ServiceProvider Services) Build(params (string Key, string Value)[] extra)
    {
        var values = new Dictionary<string, string?>
        {
            ["Edge:Backends:legacy"] = "http://127.0.0.1:1",
            ["Edge:Backends:shop"] = "http://127.0.0.1:2",
            ["Edge:Strangler:Routes:item:Path"] = "/old/{id}",
            ["Edge:Strangler:Routes:item:Target"] = "Legacy",
            ["Edge:Strangler:Routes:item:Legacy:Backend"] = "legacy",
            ["Edge:Strangler:Routes:item:Legacy:Path"] = "/old/{id}",
            ["Edge:Strangler:Routes:item:New:Backend"] = "shop",
            ["Edge:Strangler:Routes:item:New:Path"] = "/api/products/{id}",
            ["Edge:Release:Slots:blue"] = "http://127.0.0.1:3",
        };
        foreach (var (key, value) in extra)
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddBulwarkEdge(configuration.GetSection(EdgeOptions.SectionName));
        return (configuration, services.BuildServiceProvider());
    }
}
