using Bulwark.ControlRoom.Drills;
using Bulwark.ControlRoom.Hosting;
using Bulwark.ControlRoom.Panels;
using Bulwark.ControlRoom.Rendering;
using Bulwark.Drills.Model;
using Microsoft.Extensions.Options;

namespace Bulwark.ControlRoom.Tests.Drills;

public sealed class DrillReportFolderTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);
    private readonly string _folder = DrillReportFiles.NewFolder();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task List_NewestFirst_BoundedByMaxReports_WithVerdictsFromTheJsonBeside()
    {
        for (var i = 0; i < 5; i++)
        {
            await DrillReportFiles.WriteSingleAsync(_folder, DrillReportFiles.Report("plug-pull", At.AddMinutes(i).AddSeconds(1), DrillOutcome.Passed, p99: 100 + i), At.AddMinutes(i));
        }

        var all = await DrillReportFiles.WriteAllAsync(_folder, At.AddHours(1),
            DrillReportFiles.Report("ddos", At.AddHours(1), DrillOutcome.Passed), DrillReportFiles.Report("zombie", At.AddHours(1), DrillOutcome.Failed));
        var folder = Folder(maxReports: 3);

        var files = folder.List();
        var newest = await folder.SummaryAsync(files[0], Ct);
        var single = await folder.SummaryAsync(files[1], Ct);

        Assert.Equal([all, "plug-pull-20261206T100400Z.html", "plug-pull-20261206T100300Z.html"], files.Select(f => f.FileName));
        Assert.Equal(["Passed", "Failed"], newest!.Reports.Select(r => r.Outcome));
        // The drill started a second after its page's run: its JSON is still found.
        Assert.Equal(104, Assert.Single(single!.Reports).Figures[0].Value);
    }

    [Fact]
    public async Task List_SkipsFilesThatAreNotReportPages_AndSymbolicLinks()
    {
        var report = await DrillReportFiles.WriteSingleAsync(_folder, DrillReportFiles.Report("ddos", At, DrillOutcome.Passed), At);
        await File.WriteAllTextAsync(Path.Combine(_folder, "notes.html"), "<p>not a report</p>", Ct);
        await File.WriteAllTextAsync(Path.Combine(_folder, "ddos-20261206T100000Z.html.bak"), "old", Ct);
        var secret = Path.Combine(Path.GetTempPath(), "bulwark-secret-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(secret, "secret", Ct);
        File.CreateSymbolicLink(Path.Combine(_folder, "ddos-20261206T110000Z.html"), secret);
        try
        {
            var folder = Folder();

            Assert.Equal([report], folder.List().Select(f => f.FileName));
            Assert.Null(folder.Find("notes.html"));
            Assert.Null(folder.Find("ddos-20261206T110000Z.html"));
            Assert.Null(folder.Find("../" + Path.GetFileName(_folder) + "/" + report));
            Assert.NotNull(folder.Find(report));
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public async Task ReadPage_LargerThanMaxReportBytes_IsRefused_AndThePanelSaysTooLarge()
    {
        var report = await DrillReportFiles.WriteSingleAsync(_folder, DrillReportFiles.Report("ddos", At, DrillOutcome.Passed), At);
        await File.AppendAllTextAsync(Path.Combine(_folder, report), new string(' ', 4096), Ct);
        var folder = Folder(maxBytes: 4096);
        var html = Writer();

        var page = await folder.ReadPageAsync(folder.Find(report)!, Ct);
        await new DrillHistoryPanel(folder).RenderAsync(html, Ct);

        Assert.Null(page);
        Assert.Contains("too large to open here", html.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/control/drills/", html.ToString(), StringComparison.Ordinal);
        Assert.NotNull(await Folder().ReadPageAsync(folder.Find(report)!, Ct));
    }

    [Fact]
    public async Task Panel_WithoutAPath_SaysHowToSetIt()
    {
        var html = Writer();

        await new DrillHistoryPanel(new DrillReportFolder(Options.Create(new ControlRoomOptions()))).RenderAsync(html, Ct);

        Assert.Contains("Set Bulwark:ControlRoom:DrillReports:Path", html.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Panel_ListsEachRunWithItsVerdict_AndLinksItsPage()
    {
        var report = await DrillReportFiles.WriteSingleAsync(_folder, DrillReportFiles.Report("ddos", At, DrillOutcome.Failed, p99: 900), At);
        var html = Writer();

        await new DrillHistoryPanel(Folder()).RenderAsync(html, Ct);

        var text = html.ToString();
        Assert.Contains($"href=\"/control/drills/{report}\"", text, StringComparison.Ordinal);
        Assert.Contains("FAILED: ddos failed on its figures.", text, StringComparison.Ordinal);
        Assert.Contains("p99 900 ms (&lt;= 500 ms, missed)", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 20, true)]
    [InlineData("drills/reports", 20, true)]
    [InlineData("   ", 20, false)]
    [InlineData("bad\0path", 20, false)]
    [InlineData("drills/reports", 0, false)]
    public void Validate_RefusesAnUnusablePathOrBound_NamingTheKey(string? path, int maxReports, bool valid)
    {
        var error = DrillReportFolder.Validate(new DrillReportsOptions { Path = path, MaxReports = maxReports });

        Assert.Equal(valid, error is null);
        if (!valid)
        {
            Assert.Contains("Bulwark:ControlRoom:DrillReports", error, StringComparison.Ordinal);
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static ControlRoomHtml Writer() => new("/control", "/control/panels/drills/", "__token", "t");

    private DrillReportFolder Folder(int maxReports = 20, int maxBytes = 16 * 1024 * 1024)
    {
        var options = new ControlRoomOptions();
        options.DrillReports.Path = _folder;
        options.DrillReports.MaxReports = maxReports;
        options.DrillReports.MaxReportBytes = maxBytes;
        return new DrillReportFolder(Options.Create(options));
    }
}
