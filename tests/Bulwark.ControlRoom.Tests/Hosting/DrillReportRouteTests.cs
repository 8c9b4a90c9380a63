using System.Net;
using Bulwark.ControlRoom.Tests.Browser;
using Bulwark.ControlRoom.Tests.Drills;
using Bulwark.Drills.Model;
using Microsoft.Extensions.Options;

namespace Bulwark.ControlRoom.Tests.Hosting;

/// <summary>The drill report route on the real shop (Kestrel, loopback): only pages the history lists are served.</summary>
public sealed class DrillReportRouteTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DrillReport_ServesOnlyListedPages_NeverAPathOutsideOrAFileNotListed()
    {
        var folder = DrillReportFiles.NewFolder();
        var outside = Path.Combine(Path.GetDirectoryName(folder)!, "ddos-20261206T090000Z.html");
        await File.WriteAllTextAsync(outside, "<p>outside the folder</p>", Ct);
        try
        {
            var listed = await DrillReportFiles.WriteSingleAsync(folder, DrillReportFiles.Report("ddos", At, DrillOutcome.Passed), At);
            await File.WriteAllTextAsync(Path.Combine(folder, "notes.html"), "<p>not a report</p>", Ct);
            var large = await DrillReportFiles.WriteSingleAsync(folder, DrillReportFiles.Report("zombie", At.AddMinutes(1), DrillOutcome.Passed), At.AddMinutes(1));
            await File.AppendAllTextAsync(Path.Combine(folder, large), new string(' ', 64 * 1024), Ct);
            await using var shop = await ControlRoomShop.StartAsync($"--Bulwark:ControlRoom:DrillReports:Path={folder}", "--Bulwark:ControlRoom:DrillReports:MaxReportBytes=65536");

            using var page = await shop.Admin.GetAsync($"/control/drills/{listed}", Ct);
            var body = await page.Content.ReadAsStringAsync(Ct);
            var refused = new List<(string Path, HttpStatusCode Status)>();
            foreach (var path in new[]
                     {
                         "/control/drills/notes.html",
                         $"/control/drills/{large}",
                         "/control/drills/..%2Fddos-20261206T090000Z.html",
                         "/control/drills/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
                         "/control/drills/..%5Cddos-20261206T090000Z.html",
                         $"/control/drills/{Uri.EscapeDataString(outside)}",
                     })
            {
                using var response = await shop.Admin.GetAsync(path, Ct);
                refused.Add((path, response.StatusCode));
            }

            using var anonymous = new HttpClient { BaseAddress = shop.BaseAddress };
            using var unauthenticated = await anonymous.GetAsync($"/control/drills/{listed}", Ct);

            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("<svg", body, StringComparison.Ordinal);
            Assert.Contains("sandbox", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.All(refused, r => Assert.Equal(HttpStatusCode.NotFound, r.Status));
            Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        }
        finally
        {
            File.Delete(outside);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Pages_TheControlRoomAndADrillReport_EachHaveTheirOwnPolicyAndAreNeverSniffedCachedOrReferred()
    {
        var folder = DrillReportFiles.NewFolder();
        try
        {
            var listed = await DrillReportFiles.WriteSingleAsync(folder, DrillReportFiles.Report("ddos", At, DrillOutcome.Passed), At);
            await using var shop = await ControlRoomShop.StartAsync($"--Bulwark:ControlRoom:DrillReports:Path={folder}");

            using var room = await shop.Admin.GetAsync("/control", Ct);
            using var report = await shop.Admin.GetAsync($"/control/drills/{listed}", Ct);

            Assert.Equal(HttpStatusCode.OK, room.StatusCode);
            Assert.Equal(HttpStatusCode.OK, report.StatusCode);
            Assert.DoesNotContain("sandbox", room.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.Contains("sandbox", report.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.All(new[] { room, report }, page =>
            {
                Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
                Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
                Assert.True(page.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Start_WithAnUnusableDrillReportPathOrPrometheusUrl_FailsNamingTheKey()
    {
        var drills = await Assert.ThrowsAsync<OptionsValidationException>(() => ControlRoomShop.StartAsync("--Bulwark:ControlRoom:DrillReports:MaxReports=0"));
        var alerts = await Assert.ThrowsAsync<OptionsValidationException>(() => ControlRoomShop.StartAsync("--Bulwark:ControlRoom:Alerts:PrometheusUrl=ftp://127.0.0.1/"));

        Assert.Contains("Bulwark:ControlRoom:DrillReports", drills.Message, StringComparison.Ordinal);
        Assert.Contains("Bulwark:ControlRoom:Alerts:PrometheusUrl", alerts.Message, StringComparison.Ordinal);
    }
}
