using Bulwark.Edge.Proxy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Edge.Tests.Release;

/// <summary>The canary comparison's settings are refused at start with an error naming the setting.</summary>
public sealed class CanaryOptionsValidationTests
{
    [Theory]
    [InlineData("Edge:Release:Canary:Baseline:Alpha", "0", "Alpha")]
    [InlineData("Edge:Release:Canary:Baseline:Alpha", "0.6", "Alpha")]
    [InlineData("Edge:Release:Canary:Baseline:MaxErrorRateIncrease", "-0.01", "MaxErrorRateIncrease")]
    [InlineData("Edge:Release:Canary:Baseline:LatencyMargin", "-0.1", "LatencyMargin")]
    [InlineData("Edge:Release:Canary:Business:MaxBadRateIncrease", "-1", "MaxBadRateIncrease")]
    [InlineData("Edge:Release:Canary:Business:MinEvents", "0", "MinEvents")]
    [InlineData("Edge:Release:Canary:Business:Bad", "shop_payments_total{outcome=\"failed\"}", "Edge:Release:Canary:Business:Good and Edge:Release:Canary:Business:Bad go together")]
    [InlineData("Edge:Release:Canary:Business:Good", "shop payments", "Edge:Release:Canary:Business:Good is not a Prometheus series selector")]
    [InlineData("Edge:Release:Canary:Business:MetricsUrls:purple", "http://127.0.0.1:9/metrics", "MetricsUrls names slot 'purple'")]
    [InlineData("Edge:Release:Canary:Business:MetricsPath", "metrics", "MetricsPath must start with '/'")]
    public void Start_BadCanarySetting_IsRefusedNamingIt(string key, string value, string expected)
    {
        var values = new Dictionary<string, string?> { ["Edge:Release:Slots:blue"] = "http://127.0.0.1:3", [key] = value };
        if (key.EndsWith(":Good", StringComparison.Ordinal))
        {
            values["Edge:Release:Canary:Business:Bad"] = "shop_payments_total{outcome=\"failed\"}";
        }

        using var services = Build(values);
        var error = Assert.ThrowsAny<Exception>(() => services.GetRequiredService<EdgeProxyConfig>());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_ValidBusinessMetric_IsAccepted()
    {
        using var services = Build(new Dictionary<string, string?>
        {
            ["Edge:Release:Slots:blue"] = "http://127.0.0.1:3",
            ["Edge:Release:Canary:Baseline:Alpha"] = "0.5",
            ["Edge:Release:Canary:Business:Bad"] = "shop_payments_total{outcome=\"failed\"}",
            ["Edge:Release:Canary:Business:Good"] = "shop_payments_total{outcome=\"succeeded\"}",
            ["Edge:Release:Canary:Business:MetricsUrls:blue"] = "http://127.0.0.1:4/metrics",
        });
        Assert.NotNull(services.GetRequiredService<EdgeProxyConfig>());
    }

    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddBulwarkEdge(configuration.GetSection(EdgeOptions.SectionName));
        return services.BuildServiceProvider();
    }
}
