using System.Text.Json;
using Bulwark.Drills.Model;
using Bulwark.Drills.Reports;

namespace Bulwark.Drills.Tests.Reports;

public sealed class DrillReportWriterTests
{
    private static DrillReport Report => new(
        "plug-pull", "Plug-Pull", "Does browse still load?", ["01 Circuit Breaker"], new Uri("http://127.0.0.1:5100/"),
        new Dictionary<string, string> { ["payments"] = "control endpoint" },
        new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero), TimeSpan.FromSeconds(12),
        new DrillVerdict(DrillOutcome.Failed, "Browsing slowed.", [DrillFigure.AtMost("browse p99", 900, "ms", 500)], ["Add a breaker."]),
        true, null);

    [Fact]
    public async Task WriteAsync_WritesJsonAndMarkdownNamedByDrillAndTime()
    {
        var dir = Path.Combine(Path.GetTempPath(), "bulwark-reports-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (json, md) = await DrillReportWriter.WriteAsync(Report, dir, TestContext.Current.CancellationToken);

            Assert.EndsWith("plug-pull-20261125T090000Z.json", json, StringComparison.Ordinal);
            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json, TestContext.Current.CancellationToken));
            Assert.Equal("Failed", doc.RootElement.GetProperty("verdict").GetProperty("outcome").GetString());
            Assert.Equal(900, doc.RootElement.GetProperty("verdict").GetProperty("figures")[0].GetProperty("value").GetDouble());
            var markdown = await File.ReadAllTextAsync(md, TestContext.Current.CancellationToken);
            Assert.Contains("| browse p99 | 900 ms | <= 500 | **no** |", markdown, StringComparison.Ordinal);
            Assert.Contains("- Add a breaker.", markdown, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
