using Bulwark.Drills.Model;
using Bulwark.Testing;
using Shop.Externals.PaymentProvider;
using Shop.Host;

namespace Bulwark.Cli.Tests.Drills;

/// <summary><c>bulwark drill run all</c>: one HTML report for the catalogue, thresholds and dependencies from the command line.</summary>
public sealed class DrillRunAllTests : IDisposable
{
    private readonly string _reports = Path.Combine(Path.GetTempPath(), "bulwark-cli-all-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAll_EveryDrillSkipped_WritesOneReportListingEachAsSkippedWithoutTraffic()
    {
        // Nothing listens on the target: any traffic would make a drill inconclusive, not skipped.
        var args = new List<string> { "drill", "run", "all", "--target", $"http://127.0.0.1:{FreePort.Refusing}", "--report-dir", _reports };
        foreach (var name in DrillCatalog.Names)
        {
            args.AddRange(["--skip", name]);
        }

        var (exit, output, _) = await RunAsync([.. args]);

        Assert.Equal(0, exit);
        var html = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(_reports, "drills-*.html")), Ct);
        Assert.Equal(DrillCatalog.Names.Count, Count(html, "<td class=\"Skipped\">SKIPPED</td>"));
        Assert.Contains("excluded by --skip", html, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(_reports, "drills-*.json"));
        Assert.Single(Directory.GetFiles(_reports, "drills-*.md"));
        Assert.Contains("All drills", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAll_AgainstTheShop_RunsEachDrillAndWritesChartsWithTheFaultShaded()
    {
        await using var provider = PaymentProviderApp.Create("http://127.0.0.1:0", ["--Logging:LogLevel:Default=Warning", .. HostLogFile.ConsoleOff]);
        await provider.StartAsync(Ct);
        await using var shop = ShopApp.Build(
        [
            "--urls=http://127.0.0.1:0",
            "--environment=Development",
            $"--Shop:Data:Path={Path.Combine(_reports, "shop-data")}",
            "--Shop:Externals:Launch=false",
            $"--Shop:Externals:PaymentProviderUrl={provider.Urls.First()}",
            $"--Shop:Externals:RecommendationsUrl=http://127.0.0.1:{FreePort.Refusing}",
            "--Logging:LogLevel:Default=Warning",
            .. HostLogFile.ConsoleOff,
        ]);
        await shop.StartAsync(Ct);

        // The quick drills, shortened from the command line; every other drill (the long ones, the edge's, the CDN's and
        // the ones that need a bus or a second shop) is left out, so a drill added to the catalogue is skipped here too.
        string[] ran = ["plug-pull", "zombie", "double-click", "poison-pill", "partial-failure", "drift", "undo", "blast-radius"];
        var skipped = DrillCatalog.Names.Except(ran, StringComparer.Ordinal).ToArray();
        var (exit, output, error) = await RunAsync(
        [
            "drill", "run", "all", "--target", shop.Urls.First(), "--report-dir", _reports,
            "--dependency", $"payments={provider.Urls.First()}", "--api-key", "demo-admin-key-change-me",
            "--set", "plug-pull.Duration=2s", "--set", "plug-pull.BrowseRatePerSecond=50", "--set", "plug-pull.PaymentMaxRequests=6",
            "--set", "zombie.ObserveFor=1s", "--set", "double-click.SettleFor=2s",
            .. skipped.SelectMany(name => new[] { "--skip", name }),
        ]);

        Assert.True(exit is 0 or 1 or 2, error);
        var html = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(_reports, "drills-*.html")), Ct);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<section id=\"plug-pull\">", html, StringComparison.Ordinal);
        Assert.Contains("payments: Down", html, StringComparison.Ordinal);
        Assert.True(Count(html, "<svg") >= 3, "plug-pull's latency, error and request charts");
        Assert.Equal(skipped.Length, Count(html, "<td class=\"Skipped\">SKIPPED</td>"));
        // The drills that ran wrote their JSON and Markdown as before.
        Assert.Single(Directory.GetFiles(_reports, "plug-pull-*.json"));
        Assert.Single(Directory.GetFiles(_reports, "zombie-*.md"));
        Assert.Contains("Plug-Pull", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OptionTheDrillLacks_Exits2ListingItsOptions()
    {
        var (exit, _, error) = await RunAsync("drill", "run", "plug-pull", "--set", "plug-pull.P99=1s", "--report-dir", _reports);

        Assert.Equal(2, exit);
        Assert.Contains("BrowseP99Threshold", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_reports));
    }

    [Fact]
    public async Task Run_OverrideNoDrillHas_Exits2BeforeAnyTraffic()
    {
        var (exit, _, error) = await RunAsync("drill", "run", "all", "--set", "Nonsense=1", "--report-dir", _reports);

        Assert.Equal(2, exit);
        Assert.Contains("Nonsense", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("payments")]
    [InlineData("payments=http://example.com:5101")]
    [InlineData("critical=proxy:15432")]
    public async Task Run_BadDependency_Exits2NamingTheShape(string spec)
    {
        var (exit, _, error) = await RunAsync("drill", "run", "plug-pull", "--dependency", spec, "--report-dir", _reports);

        Assert.Equal(2, exit);
        Assert.True(error.Contains("NAME=URL", StringComparison.Ordinal) || error.Contains("loopback", StringComparison.Ordinal) || error.Contains("LISTEN:UPSTREAM", StringComparison.Ordinal), error);
    }

    public void Dispose()
    {
        if (Directory.Exists(_reports))
        {
            Directory.Delete(_reports, recursive: true);
        }
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await BulwarkCommand.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
