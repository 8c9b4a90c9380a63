using Bulwark.Drills.CacheMiss;
using Bulwark.Drills.Metrics;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Tests.CacheMiss;

public sealed class CacheMissJudgeTests
{
    private static readonly CacheMissOptions Defaults = new();

    [Fact]
    public void Judge_OneLoadPerKeyFastReads_Passes() =>
        Assert.Equal(DrillOutcome.Passed, CacheMissJudge.Judge(new(10, 200, 10, Stats.Of((200, 500, 20))), Defaults).Outcome);

    [Fact]
    public void Judge_MoreLoadsThanKeys_FailsNamingTheStampede()
    {
        var verdict = CacheMissJudge.Judge(new(10, 200, 57, Stats.Of((200, 500, 20))), Defaults);

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains("cache stampede", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_SlowOrFailingReads_Fails()
    {
        Assert.Equal(DrillOutcome.Failed, CacheMissJudge.Judge(new(10, 200, 10, Stats.Of((200, 90, 20), (200, 10, 3000))), Defaults).Outcome);
        Assert.Equal(DrillOutcome.Failed, CacheMissJudge.Judge(new(10, 200, 10, Stats.Of((200, 499, 20), (500, 1, 20))), Defaults).Outcome);
    }

    [Fact]
    public void Judge_NoLoadAfterTheFlushOrNoMetrics_IsInconclusive()
    {
        Assert.Equal(DrillOutcome.Inconclusive, CacheMissJudge.Judge(new(10, 200, 0, Stats.Of((200, 500, 20))), Defaults).Outcome);
        Assert.Equal(DrillOutcome.Inconclusive, CacheMissJudge.Judge(new(10, 200, null, Stats.Of((200, 500, 20))), Defaults).Outcome);
    }

    [Fact]
    public void PrometheusSum_AddsTheMatchingSeriesOnly()
    {
        const string Text = """
            # TYPE shop_catalog_cache_loads_total counter
            shop_catalog_cache_loads_total{kind="product",otel_scope_name="Shop.Catalog"} 12 1733480000000
            shop_catalog_cache_loads_total{kind="page",otel_scope_name="Shop.Catalog"} 3
            shop_catalog_cache_loads_totalx{kind="product"} 99
            """;

        Assert.Equal(12, PrometheusScrape.Sum(Text, "shop_catalog_cache_loads_total", ["kind=\"product\""]));
        Assert.Equal(15, PrometheusScrape.Sum(Text, "shop_catalog_cache_loads_total", []));
    }
}
