using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Bulwark.AspNetCore.Releases;
using Spectre.Console;

namespace Bulwark.Cli.Releases;

/// <summary>
/// <c>bulwark release build</c>: publishes the shop from a fresh artifacts folder in release mode (deterministic, CI
/// paths) and writes the manifest beside it, so the same commit built twice gives the same release id
/// (docs/releases.md). <c>bulwark release verify</c> re-hashes a folder against its manifest.
/// </summary>
internal static class ReleaseCommand
{
    public static Command Build(IAnsiConsole console, TextWriter error)
    {
        var output = new Option<string>("--output") { Description = "The release folder to create (must not exist or be empty).", Required = true };
        var project = new Option<string>("--project") { Description = "The project to publish.", DefaultValueFactory = _ => Path.Combine("shop", "Shop.Host", "Shop.Host.csproj") };
        var commit = new Option<string?>("--commit") { Description = "The commit to record (default: git rev-parse HEAD, with -dirty when the tree has changes)." };
        var build = new Command("build", "Publishes the project into --output as an immutable release and writes release.json (commit, file hashes, configuration hash, release id).")
        {
            output, project, commit,
        };
        build.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                return await BuildAsync(console, parse.GetValue(output)!, parse.GetValue(project)!, parse.GetValue(commit), cancellationToken).ConfigureAwait(false);
            }
            catch (UsageException e)
            {
                await error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return ExitCodes.InconclusiveOrUsage;
            }
        });

        var folder = new Argument<string>("folder") { Description = "A release folder holding release.json." };
        var verify = new Command("verify", "Compares a release folder with its manifest; exit code 0 when it matches, 1 when it drifted.") { folder };
        verify.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(folder)!;
            var manifestPath = Path.Combine(path, ReleaseManifest.FileName);
            if (!File.Exists(manifestPath))
            {
                await error.WriteLineAsync($"No {ReleaseManifest.FileName} in {path}: not a release folder (bulwark release build --output ... makes one).").ConfigureAwait(false);
                return ExitCodes.InconclusiveOrUsage;
            }

            var manifest = await ReleaseManifest.ReadAsync(manifestPath, cancellationToken).ConfigureAwait(false);
            var drift = await manifest.CompareAsync(path, [], cancellationToken).ConfigureAwait(false);
            foreach (var d in drift)
            {
                console.MarkupLine(CultureInfo.InvariantCulture, "[red]{0}[/] {1}", d.Kind, Markup.Escape(d.Path));
            }

            console.MarkupLine(CultureInfo.InvariantCulture, "release {0}: {1}", manifest.ReleaseId, drift.Count == 0 ? "matches its manifest" : $"{drift.Count} file(s) drifted");
            return drift.Count == 0 ? ExitCodes.Passed : ExitCodes.Failed;
        });

        return new Command("release", "Builds and verifies immutable releases.") { build, verify };
    }

    private static async Task<int> BuildAsync(IAnsiConsole console, string output, string project, string? commit, CancellationToken cancellationToken)
    {
        if (!File.Exists(project))
        {
            throw new UsageException($"--project {project} does not exist; run from the repository root or give the path.");
        }

        output = Path.GetFullPath(output);
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            throw new UsageException($"--output {output} is not empty: a release is built into a new folder, never over another.");
        }

        commit ??= await CommitOfAsync(Path.GetDirectoryName(Path.GetFullPath(project))!, cancellationToken).ConfigureAwait(false);
        // A fresh artifacts folder: the release is compiled from the sources, never from another build's leftovers.
        var artifacts = Path.Combine(Path.GetTempPath(), "bulwark-release-" + Guid.NewGuid().ToString("N"));
        try
        {
            var code = await RunAsync(
                "dotnet",
                [
                    "publish", project, "-c", "Release", "-o", output, "--nologo", "-v", "q",
                    $"-p:ArtifactsPath={artifacts}",
                    "-p:BulwarkRelease=true",
                    $"-p:SourceRevisionId={commit}",
                    // The build-time OpenAPI document is for the repository, not the release.
                    "-p:OpenApiGenerateDocuments=false",
                    "-p:UseSharedCompilation=false",
                    "-nodeReuse:false",
                ],
                console,
                cancellationToken).ConfigureAwait(false);
            if (code != 0)
            {
                console.MarkupLine(CultureInfo.InvariantCulture, "[red]dotnet publish failed[/] (exit code {0})", code);
                return ExitCodes.Failed;
            }
        }
        finally
        {
            if (Directory.Exists(artifacts))
            {
                Directory.Delete(artifacts, recursive: true);
            }
        }

        var manifest = await ReleaseManifest.CreateAsync(output, commit, cancellationToken).ConfigureAwait(false);
        var path = await manifest.WriteAsync(output, cancellationToken).ConfigureAwait(false);
        console.MarkupLine(CultureInfo.InvariantCulture, "release [bold]{0}[/] (commit {1}, {2} files, configuration {3}) in {4}", manifest.ReleaseId, Markup.Escape(commit), manifest.Files.Count, manifest.ConfigurationHash[..16], Markup.Escape(path));
        return ExitCodes.Passed;
    }

    private static async Task<string> CommitOfAsync(string directory, CancellationToken cancellationToken)
    {
        var head = (await CaptureAsync("git", ["-C", directory, "rev-parse", "HEAD"], cancellationToken).ConfigureAwait(false)).Trim();
        if (head.Length == 0)
        {
            throw new UsageException($"{directory} is not in a git repository; pass --commit.");
        }

        var dirty = await CaptureAsync("git", ["-C", directory, "status", "--porcelain", "--untracked-files=no"], cancellationToken).ConfigureAwait(false);
        return dirty.Trim().Length == 0 ? head : head + "-dirty";
    }

    private static async Task<string> CaptureAsync(string file, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        _ = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return process.ExitCode == 0 ? await stdout.ConfigureAwait(false) : string.Empty;
    }

    private static async Task<int> RunAsync(string file, string[] arguments, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No MSBuild node may outlive the command (it would hold the caller's output pipe open).
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) console.WriteLine(line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) console.WriteLine(line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return process.ExitCode;
    }
}
