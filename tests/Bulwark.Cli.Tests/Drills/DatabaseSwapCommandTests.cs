using Bulwark.Testing;

namespace Bulwark.Cli.Tests.Drills;

/// <summary><c>--dependency swapped=URL</c> gives the database-swap drill its second shop.</summary>
public sealed class DatabaseSwapCommandTests : IDisposable
{
    private readonly string _reports = Path.Combine(Path.GetTempPath(), "bulwark-cli-swap-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_reports))
        {
            Directory.Delete(_reports, recursive: true);
        }
    }

    [Fact]
    public async Task Run_WithoutTheSecondShop_SkippedSayingHowToGiveIt()
    {
        await RunAsync("drill", "run", "database-swap", "--target", $"http://127.0.0.1:{FreePort.Refusing}", "--report-dir", _reports);

        var report = await ReportAsync();
        Assert.Contains("SKIPPED", report, StringComparison.Ordinal);
        Assert.Contains("--dependency swapped=", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithTheSecondShop_NotSkippedButReadsTheTargetAndListsNoFaultControls()
    {
        await RunAsync(
            "drill", "run", "database-swap", "--target", $"http://127.0.0.1:{FreePort.Refusing}", "--report-dir", _reports,
            "--dependency", $"swapped=http://127.0.0.2:{FreePort.Refusing}");

        // The second shop's URL reached the drill's options: it went on to read the target (first), which does not answer here.
        var report = await ReportAsync();
        Assert.Contains("INCONCLUSIVE", report, StringComparison.Ordinal);
        Assert.Contains("does not answer GET /health/ready", report, StringComparison.Ordinal);
        Assert.DoesNotContain("_control/faults", report, StringComparison.Ordinal);
    }

    private async Task<string> ReportAsync() =>
        await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(_reports, "database-swap-*.md")), TestContext.Current.CancellationToken);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await BulwarkCommand.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
