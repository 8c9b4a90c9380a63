using System.Globalization;
using System.Text.Json.Nodes;
using Bulwark.Data;
using Bulwark.Data.Schema;
using Bulwark.Sqlite;
using Bulwark.Drills.ExpandContract;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Edge.Tests.Support;
using Bulwark.Testing;

namespace Bulwark.Edge.Tests.Release;

/// <summary>
/// The expand-contract drill (issue 15, Database) through the real edge: the old release (the shop run with
/// Shop:Schema:PreviousRelease) serves while the new release starts on the same SQLite database. With the shop's expand
/// and contract steps it passes; with a destructive step applied as the new release starts, the old release's requests
/// fail and so does the drill.
/// </summary>
[Collection(ShopProcesses.Name)]
public sealed class ExpandContractDrillTests : IDisposable
{
    private static readonly string[] Customers = ["--Shop:Identity:PasswordHasher:IterationCount=1000", .. ShopHostProcess.NoPerClientLimits];
    private readonly string _data = Path.Combine(Path.GetTempPath(), "bulwark-expand-" + Guid.NewGuid().ToString("N"));
    private readonly string _pidFile = Path.Combine(Path.GetTempPath(), "bulwark-expand-" + Guid.NewGuid().ToString("N") + ".pid");

    [Fact]
    public async Task Drill_ExpandThenContract_PassesAndTheOldReleaseThenRefusesToStart()
    {
        var report = await RunAsync(destructive: false);

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("\n", report.Verdict.Figures.Select(f => $"{f.Name}: {f.Value} {f.Unit}")));
        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.Contains(report.Verdict.Figures, f => f.Name == "contract steps applied" && f.Value >= 1);

        // Contracted past it, the old release refuses to start and names the fix.
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => ShopHostProcess.StartAsync(null, [.. Old(), .. Customers]));
        Assert.Contains("contracted at version", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drill_DestructiveStepAtTheNewReleasesStart_OldReleaseFailsAndTheDrillFails()
    {
        var report = await RunAsync(destructive: true);

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("\n", report.Verdict.Figures.Select(f => $"{f.Name}: {f.Value} {f.Unit}")));
        Assert.Equal(DrillOutcome.Failed, report.Verdict.Outcome);
        Assert.Contains(report.Verdict.Figures, f => f.Name.StartsWith("customer error rate", StringComparison.Ordinal) && f.Ok == false);
    }

    [Fact]
    public void Judge_WritesNotVisibleAcrossReleases_FailsNamingTheFallback()
    {
        var verdict = ExpandContractJudge.Judge(Measured() with { NewToOld = (3, 10) }, new ExpandContractOptions());

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains(verdict.Findings, f => f.Contains("fallback", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_EverythingHeld_Passes()
    {
        var verdict = ExpandContractJudge.Judge(Measured(), new ExpandContractOptions());

        Assert.Equal(DrillOutcome.Passed, verdict.Outcome);
    }

    [Fact]
    public void Judge_RequestsFailAfterTheContract_Fails()
    {
        var verdict = ExpandContractJudge.Judge(Measured() with { AfterContractFailures = 4 }, new ExpandContractOptions());

        Assert.Equal(DrillOutcome.Failed, verdict.Outcome);
        Assert.Contains(verdict.Figures, f => f.Name == "customer requests failed after the contract step" && f.Ok == false);
    }

    public void Dispose()
    {
        File.Delete(_pidFile);
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static ExpandContractMeasurements Measured() => new(
        "blue", "green", true, 4_000, 2_000, 0, 1_400, 600, (10, 10), (10, 10), 200, true, 200, 1, (34, 34), 0, []);

    private string[] Old() => [$"--Shop:Data:Path={_data}", "--Shop:Schema:PreviousRelease=true"];

    private async Task<DrillReport> RunAsync(bool destructive)
    {
        await using var blue = await ShopHostProcess.StartAsync(null, [.. Old(), .. Customers]);
        await blue.WarmUpAsync();
        await File.WriteAllTextAsync(_pidFile, blue.ProcessId.ToString(CultureInfo.InvariantCulture), TestContext.Current.CancellationToken);
        var greenPort = FreePort.Next();
        await using var edge = await EdgeUnderTest.StartAsync(Config(blue.BaseAddress, new Uri($"http://127.0.0.1:{greenPort}/")));

        // The drill starts its customers on blue and waits for green; green starts meanwhile, migrating the database blue serves from.
        var drill = new ExpandContractDrill(new ExpandContractOptions
        {
            OldPidFile = _pidFile,
            NewReleaseWait = TimeSpan.FromMinutes(3),
            Hold = TimeSpan.FromSeconds(2),
            Workers = 4,
            CrossChecks = 5,
        });
        var context = new DrillContext(edge.BaseAddress, TimeProvider.System, new LoadGenerator(TimeProvider.System), [], new Dictionary<string, string> { ["X-Api-Key"] = EdgeUnderTest.OperatorKey });
        var running = new DrillRunner(TimeProvider.System).RunAsync(drill, context, TestContext.Current.CancellationToken);
        if (destructive)
        {
            // A step a careless new release would ship (a rename), applied as it starts, through the same migrator. A
            // test-registered component: nothing in the shop's code knows it.
            var database = SqliteDataSource.CreateDatabase($"Data Source={Path.Combine(_data, "shop.db")}");
            await SchemaMigrator.MigrateAsync(
                database,
                new SchemaComponent("identity-rename").For(SqlDialectNames.Sqlite, "ALTER TABLE identity_users RENAME COLUMN password_hash TO password_digest;"),
                TimeProvider.System,
                TestContext.Current.CancellationToken);
        }

        await using var green = await ShopHostProcess.StartAsync(null, [$"--urls=http://127.0.0.1:{greenPort}", $"--Shop:Data:Path={_data}", .. Customers]);
        return await running;
    }

    private static JsonObject Config(Uri blue, Uri green) => new()
    {
        ["Release"] = new JsonObject
        {
            ["Slots"] = new JsonObject { ["blue"] = blue.ToString(), ["green"] = green.ToString() },
            ["Live"] = "blue",
            ["Smoke"] = new JsonObject { ["Paths"] = new JsonArray("/api/products/1"), ["Timeout"] = "00:00:15" },
            // The drill moves the canary itself; the analysis must not promote or roll it back on its own meanwhile.
            ["Canary"] = new JsonObject { ["Interval"] = "00:10:00" },
        },
    };
}
