using System.Text;
using Bulwark.Edge.Strangler;

namespace Bulwark.Edge.Tests.Strangler;

public sealed class ShadowComparisonTests
{
    private const string Legacy = """{"id":7,"sku":"SKU-00007","price_cents":1458,"currency":"EUR","row_version":1,"active_flag":"Y"}""";
    private const string New = """{"currency":"EUR","id":7,"sku":"SKU-00007","priceCents":1458.0,"version":3}""";
    private static readonly string[] Ignore = ["version", "row_version", "active-flag"];

    [Fact]
    public void Compare_SameDataInEachShape_Matches()
    {
        var result = Compare(200, Legacy, 200, New, Ignore);
        Assert.Equal(ShadowOutcome.Matched, result.Outcome);
    }

    [Fact]
    public void Compare_PlantedPrice_NamesTheField()
    {
        var result = Compare(200, Legacy.Replace("1458", "1", StringComparison.Ordinal), 200, New, Ignore);
        Assert.Equal(ShadowOutcome.BodyMismatch, result.Outcome);
        Assert.Equal("$.pricecents: 1 vs 1458.0", result.Difference);
    }

    [Fact]
    public void Compare_FieldOnlyOnOneSide_IsAMismatchUnlessIgnored()
    {
        Assert.Equal(ShadowOutcome.BodyMismatch, Compare(200, Legacy, 200, New, ["version"]).Outcome);
    }

    [Fact]
    public void Compare_StatusDiffers_IsAStatusMismatch()
    {
        Assert.Equal(ShadowOutcome.StatusMismatch, Compare(200, Legacy, 404, New, Ignore).Outcome);
    }

    [Fact]
    public void Compare_NotJson_ComparesText()
    {
        Assert.Equal(ShadowOutcome.Matched, Compare(200, "ok", 200, "ok", []).Outcome);
        Assert.Equal(ShadowOutcome.BodyMismatch, Compare(200, "ok", 200, "no", []).Outcome);
    }

    [Fact]
    public void Compare_ArraysInOrder()
    {
        Assert.Equal(ShadowOutcome.BodyMismatch, Compare(200, "[1,2]", 200, "[2,1]", []).Outcome);
    }

    private static ShadowComparison Compare(int legacyStatus, string legacy, int newStatus, string @new, string[] ignore) =>
        ShadowComparison.Compare(legacyStatus, Encoding.UTF8.GetBytes(legacy), newStatus, Encoding.UTF8.GetBytes(@new), ignore);
}
