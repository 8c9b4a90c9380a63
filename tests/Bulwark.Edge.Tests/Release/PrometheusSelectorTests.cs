using Bulwark.Edge.Release;

namespace Bulwark.Edge.Tests.Release;

public sealed class PrometheusSelectorTests
{
    private const string Scrape = """
        # HELP shop_payments_total Payments by outcome.
        # TYPE shop_payments_total counter
        shop_payments_total{outcome="succeeded",otel_scope_name="Shop"} 90 1733540000000
        shop_payments_total{outcome="failed",otel_scope_name="Shop"} 7
        shop_payments_total{outcome="failed",otel_scope_name="Other"} 3
        shop_payments_total_created{outcome="failed"} 1733540000
        shop_payments_declined_total 4
        http_requests_total{path="/a \"quoted\" path"} 12
        """;

    [Fact]
    public void Sum_AddsEverySeriesWithTheNameAndLabels_IgnoringOthers()
    {
        Assert.Equal(10, Parse("shop_payments_total{outcome=\"failed\"}").Sum(Scrape));
        Assert.Equal(90, Parse("shop_payments_total{ outcome=\"succeeded\" }").Sum(Scrape));
        Assert.Equal(100, Parse("shop_payments_total").Sum(Scrape));
        Assert.Equal(4, Parse("shop_payments_declined_total").Sum(Scrape));
        Assert.Equal(12, Parse("http_requests_total{path=\"/a \\\"quoted\\\" path\"}").Sum(Scrape));
        Assert.Null(Parse("shop_payments_total{outcome=\"refunded\"}").Sum(Scrape));
        Assert.Null(Parse("shop_orders_total").Sum(Scrape));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{outcome=\"failed\"}")]
    [InlineData("shop_payments_total{outcome=failed}")]
    [InlineData("shop_payments_total{outcome=\"failed}")]
    [InlineData("shop payments")]
    public void TryParse_NotASelector_IsRefusedWithAReason(string text)
    {
        Assert.False(PrometheusSelector.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    private static PrometheusSelector Parse(string text)
    {
        Assert.True(PrometheusSelector.TryParse(text, out var selector, out var error), error);
        return selector!;
    }
}
