using Bulwark.Testing;

namespace Bulwark.Cli.Tests.Drills;

/// <summary>
/// Drills that need a named dependency (<c>--dependency name=URL</c>): skipped without it, saying how to give it; with
/// it, the URL reaches the drill, which goes on to check the target (which does not answer here).
/// </summary>
public sealed class DrillDependencyCommandTests : IDisposable
{
    private readonly string _reports = Path.Combine(Path.GetTempPath(), "bulwark-cli-dependency-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_reports))
        {
            Directory.Delete(_reports, recursive: true);
        }
    }

    [Theory]
    [InlineData("database-swap", "swapped")]
    [InlineData("legacy-erp", "erp")]
    public async Task Run_WithoutItsDependency_SkippedSayingHowToGiveIt(string drill, string dependency)
    {
        await RunAsync("drill", "run", drill, "--target", $"http://127.0.0.1:{FreePort.Refusing}", "--report-dir", _reports);

        var report = await ReportAsync(drill);
        Assert.Contains("SKIPPED", report, StringComparison.Ordinal);
        Assert.Contains($"--dependency {dependency}=", report, StringComparison.Ordinal);
    }

    [Theory]
    // The second shop is a shop, not a stand-in with fault controls: none may be listed for it.
    [InlineData("database-swap", "swapped", "127.0.0.2", true)]
    [InlineData("legacy-erp", "erp", "127.0.0.1", false)]
    public async Task Run_WithItsDependency_NotSkippedButChecksTheTarget(string drill, string dependency, string host, bool noFaultControls)
    {
        await RunAsync(
            "drill", "run", drill, "--target", $"http://127.0.0.1:{FreePort.Refusing}", "--report-dir", _reports,
            "--dependency", $"{dependency}=http://{host}:{FreePort.Refusing}");

        var report = await ReportAsync(drill);
        Assert.Contains("INCONCLUSIVE", report, StringComparison.Ordinal);
        Assert.Contains("does not answer GET /health/ready", report, StringComparison.Ordinal);
        if (noFaultControls)
        {
            Assert.DoesNotContain("_control/faults", report, StringComparison.Ordinal);
        }
    }

    private async Task<string> ReportAsync(string drill) =>
        await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(_reports, drill + "-*.md")), TestContext.Current.CancellationToken);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await BulwarkCommand.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
