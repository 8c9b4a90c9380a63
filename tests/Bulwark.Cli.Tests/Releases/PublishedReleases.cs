using Bulwark.AspNetCore.Releases;

namespace Bulwark.Cli.Tests.Releases;

/// <summary>
/// Two releases of the shop built from this checkout by <c>bulwark release build</c>, each from its own fresh artifacts
/// folder into its own output folder: the expensive part (two full Release compilations), done once for the class.
/// </summary>
public sealed class PublishedReleases : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bulwark-releases-" + Guid.NewGuid().ToString("N"));

    public string First => Path.Combine(_root, "first");

    public string Second => Path.Combine(_root, "second");

    public (int Exit, string Output) FirstBuild { get; private set; }

    public (int Exit, string Output) SecondBuild { get; private set; }

    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Bulwark.slnx")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Bulwark.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    public async ValueTask InitializeAsync()
    {
        var project = Path.Combine(RepoRoot, "shop", "Shop.Host", "Shop.Host.csproj");
        // One commit for both: the test is about the build, not about which commit the tree is at.
        FirstBuild = await BuildAsync("release", "build", "--output", First, "--project", project, "--commit", "test-commit");
        SecondBuild = await BuildAsync("release", "build", "--output", Second, "--project", project, "--commit", "test-commit");
    }

    public async Task<ReleaseManifest> ManifestAsync(string folder) =>
        await ReleaseManifest.ReadAsync(Path.Combine(folder, ReleaseManifest.FileName), CancellationToken.None);

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    private static async Task<(int, string)> BuildAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await BulwarkCommand.RunAsync(args, output, error);
        return (exit, output + error.ToString());
    }
}
