using Bulwark.Drills.Model;

namespace Bulwark.Drills.Tests;

/// <summary>Writes a drill's verdict and figures to the test's output: the figures docs/drills.md quotes come from there.</summary>
internal static class DrillLog
{
    public static void Verdict(DrillReport report) =>
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{report.Verdict.Outcome}: {report.Verdict.Reason} | {string.Join("; ", report.Verdict.Figures.Select(f => $"{f.Name} = {f.Value} {f.Unit}"))}");
}
