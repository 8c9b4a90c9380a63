using Bulwark.Testing;

namespace Bulwark.Cli.Tests.Drills;

/// <summary><c>--dependency erp=URL</c> gives the legacy-erp drill its ERP stand-in.</summary>
public sealed class LegacyErpCommandTests : IDisposable
{
    private readonly string _reports = Path.Combine(Path.GetTempPath(), "bulwark-cli-erp-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_reports))
        {
            Directory.Delete(_reports, recursive: true);
        }
    }

    [Fact]
    public async Task Run_WithoutTheErpDependency_SkippedSayingHowToGiveIt()
    {
        await RunAsync("drill", "run", "legacy-erp", "--target", $"http://127.0.0.1:{FreePort.Refusing}", "--report-dir", _reports);

        var report = await ReportAsync();
        Assert.Contains("SKIPPED", report, StringComparison.Ordinal);
        Assert.Contains("--dependency erp=", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithTheErpDependency_NotSkippedButChecksTheShop()
    {
        await RunAsync(
            "drill", "run", "legacy-erp", "--target", $"http://127.0.0.1:{FreePort.Refusing}", "--report-dir", _reports,
            "--dependency", $"erp=http://127.0.0.1:{FreePort.Refusing}");

        // The ERP's URL reached the drill's options: it went on to check the shop, which does not answer here.
        var report = await ReportAsync();
        Assert.Contains("INCONCLUSIVE", report, StringComparison.Ordinal);
        Assert.Contains("does not answer GET /health/ready", report, StringComparison.Ordinal);
    }

    private async Task<string> ReportAsync() =>
        await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(_reports, "legacy-erp-*.md")), TestContext.Current.CancellationToken);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await BulwarkCommand.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
