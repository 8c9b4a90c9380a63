using Bulwark.AspNetCore.Releases;

namespace Bulwark.AspNetCore.Tests.Releases;

/// <summary>The manifest: one id per content, and every kind of drift named.</summary>
public sealed class ReleaseManifestTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "bulwark-release-" + Guid.NewGuid().ToString("N"));

    public ReleaseManifestTests()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "wwwroot"));
        File.WriteAllText(Path.Combine(_folder, "App.dll"), "code");
        File.WriteAllText(Path.Combine(_folder, "appsettings.json"), """{ "Limit": 10 }""");
        File.WriteAllText(Path.Combine(_folder, "wwwroot", "site.css"), "body {}");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task CreateAsync_SameContentTwice_SameReleaseId()
    {
        var first = await ReleaseManifest.CreateAsync(_folder, "abc123", Ct);
        await first.WriteAsync(_folder, Ct);
        var second = await ReleaseManifest.CreateAsync(_folder, "abc123", Ct);

        // The manifest does not hash itself, so writing it changes nothing.
        Assert.Equal(first.ReleaseId, second.ReleaseId);
        Assert.Equal(16, first.ReleaseId.Length);
        Assert.Equal(["App.dll", "appsettings.json", "wwwroot/site.css"], first.Files.Keys);
    }

    [Fact]
    public async Task CreateAsync_OtherCommitOrSetting_OtherIds()
    {
        var release = await ReleaseManifest.CreateAsync(_folder, "abc123", Ct);
        var otherCommit = await ReleaseManifest.CreateAsync(_folder, "def456", Ct);
        File.WriteAllText(Path.Combine(_folder, "appsettings.json"), """{ "Limit": 11 }""");
        var otherSetting = await ReleaseManifest.CreateAsync(_folder, "abc123", Ct);

        Assert.NotEqual(release.ReleaseId, otherCommit.ReleaseId);
        Assert.NotEqual(release.ReleaseId, otherSetting.ReleaseId);
        Assert.NotEqual(release.ConfigurationHash, otherSetting.ConfigurationHash);
        Assert.Equal(release.ConfigurationHash, otherCommit.ConfigurationHash);
    }

    [Fact]
    public async Task CompareAsync_ChangedMissingAdded_EachNamed()
    {
        var release = await ReleaseManifest.CreateAsync(_folder, "abc123", Ct);
        await release.WriteAsync(_folder, Ct);
        Assert.Empty(await release.CompareAsync(_folder, [], Ct));

        File.WriteAllText(Path.Combine(_folder, "appsettings.json"), """{ "Limit": 1000 }""");
        File.Delete(Path.Combine(_folder, "wwwroot", "site.css"));
        File.WriteAllText(Path.Combine(_folder, "Patch.dll"), "hotfix");
        Directory.CreateDirectory(Path.Combine(_folder, "data"));
        File.WriteAllText(Path.Combine(_folder, "data", "shop.db"), "rows");

        var drift = await release.CompareAsync(_folder, ["data/"], Ct);

        Assert.Equal(
            [
                new ReleaseDrift("Patch.dll", ReleaseDriftKind.Added, Configuration: false),
                new ReleaseDrift("appsettings.json", ReleaseDriftKind.Changed, Configuration: true),
                new ReleaseDrift("wwwroot/site.css", ReleaseDriftKind.Missing, Configuration: false),
            ],
            drift);
    }

    [Fact]
    public async Task ReadAsync_WhatWriteAsyncWrote_SameManifest()
    {
        var release = await ReleaseManifest.CreateAsync(_folder, "abc123", Ct);
        var path = await release.WriteAsync(_folder, Ct);

        var read = await ReleaseManifest.ReadAsync(path, Ct);

        Assert.Equal(release.ReleaseId, read.ReleaseId);
        Assert.Equal(release.ConfigurationHash, read.ConfigurationHash);
        Assert.Equal(release.Files, read.Files);
    }

    [Theory]
    [InlineData("appsettings.json", true)]
    [InlineData("appsettings.Production.json", true)]
    [InlineData("Shop.Host.runtimeconfig.json", true)]
    [InlineData("Shop.Host.deps.json", false)]
    [InlineData("Shop.Host.dll", false)]
    public void IsConfiguration_ByName(string path, bool expected) => Assert.Equal(expected, ReleaseManifest.IsConfiguration(path));
}
