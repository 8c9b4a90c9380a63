using Bulwark.Drills.Model;
using Bulwark.Drills.Reports;
using Bulwark.Drills.Timeline;

namespace Bulwark.Drills.Tests.Reports;

public sealed class DrillHtmlReportTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Render_TwoDrills_IsOneSelfContainedPageWithSummaryChartsAndShadedFault()
    {
        var html = DrillHtmlReport.Render([Report("plug-pull", DrillOutcome.Passed, WithLoad()), Report("replay", DrillOutcome.Skipped, DrillTimeline.Empty)], new Uri("http://127.0.0.1:5100"), At);

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        // Nothing fetched: no script, no external stylesheet, image or font.
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<a href=\"#plug-pull\">", html, StringComparison.Ordinal);
        Assert.Contains("SKIPPED", html, StringComparison.Ordinal);
        Assert.Equal(3, Count(html, "<svg"));
        Assert.Equal(3, Count(html, "class=\"fault\""));
        Assert.Contains("payments: Down", html, StringComparison.Ordinal);
        Assert.Contains("No request timeline", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HostileTextInAReason_IsEscaped()
    {
        var report = Report("hostile", DrillOutcome.Failed, DrillTimeline.Empty) with
        {
            Verdict = new DrillVerdict(DrillOutcome.Failed, "<script>alert(1)</script>", [], ["name \"<img src=x>\""]),
        };

        var html = DrillHtmlReport.Render([report], new Uri("http://127.0.0.1:5100"), At);

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0.7, 1)]
    [InlineData(3, 5)]
    [InlineData(2304, 2500)]
    [InlineData(120, 200)]
    [InlineData(501, 1000)]
    public void NiceCeiling_RoundsUpToOneTwoOrFive(double value, double expected) => Assert.Equal(expected, SvgChart.NiceCeiling(value));

    private static DrillTimeline WithLoad() => new(
        1,
        4,
        [new TimelineBucket(0, 10, 0, 5, 9, 9), new TimelineBucket(1, 10, 2, 6, 40, 41), new TimelineBucket(2, 10, 0, 5, 8, 8), new TimelineBucket(3, 0, 0, 0, 0, 0)],
        [new FaultWindow("payments: Down", 0.9, 2.5)],
        [new PhaseMark("arrange", 0), new PhaseMark("exercise", 0.9), new PhaseMark("restore", 3.5)]);

    private static DrillReport Report(string name, DrillOutcome outcome, DrillTimeline timeline) => new(
        name, name, "Question?", ["01 Circuit Breaker"], new Uri("http://127.0.0.1:5100"), new Dictionary<string, string>(), At, TimeSpan.FromSeconds(4),
        new DrillVerdict(outcome, "because", [DrillFigure.AtMost("browse p99", 40, "ms", 500)], []), true, null)
    {
        Timeline = timeline,
    };

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
