using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bulwark.AspNetCore.Releases;
using Bulwark.Drills.Drift;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Testing;

namespace Bulwark.Cli.Tests.Releases;

/// <summary>
/// Codex 25 for real: the shop published twice from one commit is the same release, byte for byte; an instance started
/// from a release reports its id; the Drift drill passes against it, and fails when drift detection is off.
/// </summary>
public sealed partial class ReleaseTests(PublishedReleases releases) : IClassFixture<PublishedReleases>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReleaseBuild_SameCommitTwice_SameReleaseIdAndEveryFileEqual()
    {
        Assert.True(releases.FirstBuild.Exit == 0, releases.FirstBuild.Output);
        Assert.True(releases.SecondBuild.Exit == 0, releases.SecondBuild.Output);
        var first = await releases.ManifestAsync(releases.First);
        var second = await releases.ManifestAsync(releases.Second);

        var differing = first.Files.Keys.Union(second.Files.Keys)
            .Where(f => first.Files.GetValueOrDefault(f) != second.Files.GetValueOrDefault(f))
            .ToList();
        Assert.True(differing.Count == 0, "files that differ between the two builds: " + string.Join(", ", differing));
        Assert.Equal(first.ReleaseId, second.ReleaseId);
        Assert.Contains("Shop.Host.dll", first.Files.Keys);
        Assert.Contains("appsettings.json", first.Files.Keys);
        Assert.Contains(first.ReleaseId, releases.FirstBuild.Output, StringComparison.Ordinal);
        // The reason the two builds agree: no file names the build's own (random) artifacts folder.
        var buildPath = System.Text.Encoding.UTF8.GetBytes(Path.Combine(Path.GetTempPath(), "bulwark-release-"));
        var naming = Directory.EnumerateFiles(releases.First, "*", SearchOption.AllDirectories)
            .Where(f => File.ReadAllBytes(f).AsSpan().IndexOf(buildPath) >= 0)
            .Select(Path.GetFileName)
            .ToList();
        Assert.True(naming.Count == 0, "files naming the build's artifacts folder: " + string.Join(", ", naming));
    }

    [Fact]
    public async Task ReleaseVerify_UntouchedThenPatched_Exits0Then1()
    {
        var folder = CopyOf(releases.First);
        var (clean, _) = await CliAsync("release", "verify", folder);
        File.AppendAllText(Path.Combine(folder, "appsettings.json"), "\n");
        var (patched, output) = await CliAsync("release", "verify", folder);

        Assert.Equal(0, clean);
        Assert.Equal(1, patched);
        Assert.Contains("appsettings.json", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReleaseBuild_IntoAFolderThatIsNotEmpty_Exits2()
    {
        var (exit, output) = await CliAsync("release", "build", "--output", releases.First, "--project", Path.Combine(PublishedReleases.RepoRoot, "shop", "Shop.Host", "Shop.Host.csproj"));

        Assert.Equal(2, exit);
        Assert.Contains("not empty", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DriftDrill_InstanceStartedFromARelease_ReportsTheIdThenPasses()
    {
        var folder = CopyOf(releases.First);
        var release = await releases.ManifestAsync(folder);
        await using var shop = await ReleasedShop.StartAsync(folder, "--Bulwark:Release:CheckInterval=00:00:00.500");
        using var client = new HttpClient { BaseAddress = shop.Url };
        using var status = JsonDocument.Parse(await client.GetStringAsync(new Uri("/health/release", UriKind.Relative), Ct));
        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), Ct);

        var report = await RunDriftAsync(shop.Url, folder);

        Assert.Equal(release.ReleaseId, status.RootElement.GetProperty("releaseId").GetString());
        Assert.Contains(metrics.Split('\n'), l => l.StartsWith("bulwark_release_info{", StringComparison.Ordinal) && l.Contains($"release=\"{release.ReleaseId}\"", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal));
        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        // The drill puts the setting back once it has judged.
        Assert.Equal(release.Files["appsettings.json"], (await ReleaseManifest.CreateAsync(folder, "test-commit", Ct)).Files["appsettings.json"]);
        // The monitor's own line (event 2204), once, although the folder was checked every 500 ms while drifted.
        await shop.WaitForLineAsync(l => l.Contains("Replace the instance", StringComparison.Ordinal));
        Assert.Equal(1, shop.Lines.Count(l => l.Contains("Replace the instance", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task DriftDrill_DriftDetectionOff_Fails()
    {
        var folder = CopyOf(releases.First);
        await using var shop = await ReleasedShop.StartAsync(folder, "--Bulwark:Release:DetectDrift=false");

        var report = await RunDriftAsync(shop.Url, folder, detectWithin: TimeSpan.FromSeconds(3));

        Assert.Equal(DrillOutcome.Failed, report.Verdict.Outcome);
        Assert.Contains("did not report it", report.Verdict.Reason, StringComparison.Ordinal);
    }

    private static async Task<DrillReport> RunDriftAsync(Uri target, string folder, TimeSpan? detectWithin = null)
    {
        var drill = new DriftDrill(new DriftOptions { ReleaseFolder = folder, DetectWithin = detectWithin ?? TimeSpan.FromSeconds(20), PollInterval = TimeSpan.FromMilliseconds(100) });
        var context = new DrillContext(target, TimeProvider.System, new LoadGenerator(TimeProvider.System));
        return await new DrillRunner(TimeProvider.System).RunAsync(drill, context, Ct);
    }

    private static async Task<(int Exit, string Output)> CliAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await BulwarkCommand.RunAsync(args, output, error);
        return (exit, output + error.ToString());
    }

    // Each test tampers with its own copy: the two published folders stay the builds under comparison.
    private static string CopyOf(string release)
    {
        var copy = Path.Combine(Path.GetTempPath(), "bulwark-release-copy-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(release, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(release, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return copy;
    }

    /// <summary>The shop started with <c>dotnet Shop.Host.dll</c> from a release folder, as an orchestrator would.</summary>
    private sealed partial class ReleasedShop : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();
        private readonly string _data;

        private ReleasedShop(Process process, string data)
        {
            _process = process;
            _data = data;
        }

        public Uri Url { get; private set; } = null!;

        public IEnumerable<string> Lines => _lines;

        public static async Task<ReleasedShop> StartAsync(string folder, params string[] extraArgs)
        {
            var data = Path.Combine(Path.GetTempPath(), "bulwark-release-data-" + Guid.NewGuid().ToString("N"));
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = data };
            Directory.CreateDirectory(data);
            start.ArgumentList.Add(Path.Combine(folder, "Shop.Host.dll"));
            foreach (var argument in (string[])[
                "--urls=http://127.0.0.1:0",
                "--environment=Development",
                $"--Shop:Data:Path={data}",
                "--Shop:Externals:Launch=false",
                $"--Shop:Externals:PaymentProviderUrl=http://127.0.0.1:{FreePort.Refusing}",
                $"--Shop:Externals:RecommendationsUrl=http://127.0.0.1:{FreePort.Refusing}",
                .. extraArgs])
            {
                start.ArgumentList.Add(argument);
            }

            var shop = new ReleasedShop(Process.Start(start)!, data);
            shop._process.OutputDataReceived += (_, e) => { if (e.Data is not null) shop._lines.Enqueue(e.Data); };
            shop._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) shop._lines.Enqueue(e.Data); };
            shop._process.BeginOutputReadLine();
            shop._process.BeginErrorReadLine();
            var ready = await shop.WaitForLineAsync(l => l.Contains("Shop ready at", StringComparison.Ordinal), TimeSpan.FromSeconds(90));
            shop.Url = new Uri(ReadyUrl().Match(ready).Value);
            return shop;
        }

        public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < (timeout ?? TimeSpan.FromSeconds(10)) && !_process.HasExited)
            {
                if (_lines.FirstOrDefault(match) is { } line)
                {
                    return line;
                }

                await Task.Delay(50, Ct);
            }

            Assert.Fail($"No matching line from the released shop (exited: {_process.HasExited}):\n{string.Join('\n', _lines.TakeLast(40))}");
            return string.Empty;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false);
                await _process.WaitForExitAsync(CancellationToken.None);
            }

            _process.Dispose();
            Directory.Delete(_data, recursive: true);
        }

        [GeneratedRegex(@"http://127\.0\.0\.1:[0-9]+")]
        private static partial Regex ReadyUrl();
    }
}
