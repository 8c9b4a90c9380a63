namespace Bulwark.Cli.Tests;

/// <summary>The command line's contract: exit codes scripts branch on, and errors that name the fix.</summary>
public sealed class BulwarkCommandTests
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await BulwarkCommand.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task DrillList_ListsEveryDrillWithItsQuestion()
    {
        var (exit, output, _) = await RunAsync("drill", "list");

        Assert.Equal(0, exit);
        Assert.Contains("plug-pull", output, StringComparison.Ordinal);
        Assert.Contains("slow-loris", output, StringComparison.Ordinal);
        Assert.Contains("Payment", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrillList_ListsTheHostileDrill()
    {
        var (exit, output, _) = await RunAsync("drill", "list");

        Assert.Equal(0, exit);
        Assert.Contains("hostile", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrillRun_HostileWithUnknownEnvironment_Exits2NamingTheChoices()
    {
        var (exit, _, error) = await RunAsync("drill", "run", "hostile", "--target-environment", "Prod");

        Assert.Equal(2, exit);
        Assert.Contains("Development, Staging or Production", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrillRun_HostileWithTooManyIdleConnections_Exits2()
    {
        var (exit, _, error) = await RunAsync("drill", "run", "hostile", "--idle-connections", "50000");

        Assert.Equal(2, exit);
        Assert.Contains("IdleConnections", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrillRun_NonLoopbackTarget_Exits2NamingLoopback()
    {
        var (exit, _, error) = await RunAsync("drill", "run", "plug-pull", "--target", "http://10.0.0.5:5100");

        Assert.Equal(2, exit);
        Assert.Contains("loopback", error, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:5100", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrillRun_NonLoopbackControlUrl_Exits2()
    {
        var (exit, _, error) = await RunAsync("drill", "run", "plug-pull", "--payment-control", "http://example.com:5101");

        Assert.Equal(2, exit);
        Assert.Contains("loopback", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrillRun_UnknownDrill_Exits2ListingTheDrills()
    {
        var (exit, _, error) = await RunAsync("drill", "run", "chaos-monkey");

        Assert.Equal(2, exit);
        Assert.Contains("plug-pull, ddos, slow-loris, recovery, zombie", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrillRun_UnknownFlag_Exits2WithUsage()
    {
        var (exit, _, error) = await RunAsync("drill", "run", "plug-pull", "--targett", "http://127.0.0.1:5100");

        Assert.Equal(2, exit);
        Assert.Contains("--targett", error, StringComparison.Ordinal);
        Assert.Contains("bulwark drill run --help", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrillRun_DurationOutOfRange_Exits2NamingTheRange()
    {
        var (exit, _, error) = await RunAsync("drill", "run", "ddos", "--duration", "0");

        Assert.Equal(2, exit);
        Assert.Contains("1 to 300", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrillRun_PlugPullWithSlowFault_Exits2PointingToSlowLoris()
    {
        var (exit, _, error) = await RunAsync("drill", "run", "plug-pull", "--fault", "Slow");

        Assert.Equal(2, exit);
        Assert.Contains("slow-loris", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrillRun_NothingListening_Exits2Inconclusive()
    {
        var port = FreePort();
        var reports = Path.Combine(Path.GetTempPath(), "bulwark-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, output, _) = await RunAsync("drill", "run", "ddos", "--target", $"http://127.0.0.1:{port}", "--report-dir", reports);

            Assert.Equal(2, exit);
            Assert.Contains("INCONCLUSIVE", output, StringComparison.Ordinal);
            Assert.Equal(3, Directory.GetFiles(reports).Length);
            Assert.Single(Directory.GetFiles(reports, "ddos-*.html"));
        }
        finally
        {
            if (Directory.Exists(reports))
            {
                Directory.Delete(reports, recursive: true);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
