using System.ComponentModel.DataAnnotations;
using Bulwark.Drills.Model;
using Bulwark.Drills.PlugPull;

namespace Bulwark.Drills.Tests.Model;

public sealed class DrillOptionOverridesTests
{
    [Fact]
    public void ApplyTo_DrillScopedAndGlobal_SetsTimesNumbersAndEnums()
    {
        var overrides = DrillOptionOverrides.Parse(["plug-pull.BrowseP99Threshold=800ms", "Duration=3s", "plug-pull.fault=blackhole", "ddos.Duration=9s"]);

        var options = overrides.ApplyTo("plug-pull", new PlugPullOptions());

        Assert.Equal(TimeSpan.FromMilliseconds(800), options.BrowseP99Threshold);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Duration);
        Assert.Equal(Bulwark.Drills.Switches.DependencyFault.Blackhole, options.Fault);
    }

    [Fact]
    public void ApplyTo_UnknownOptionForThatDrill_ThrowsListingItsOptions()
    {
        var e = Assert.Throws<ArgumentException>(() => DrillOptionOverrides.Parse(["plug-pull.P99=1"]).ApplyTo("plug-pull", new PlugPullOptions()));

        Assert.Contains("BrowseP99Threshold", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureAllUsed_GlobalOptionNoDrillHas_Throws()
    {
        var overrides = DrillOptionOverrides.Parse(["Nonsense=1"]);
        overrides.ApplyTo("plug-pull", new PlugPullOptions());

        Assert.Throws<ArgumentException>(overrides.EnsureAllUsed);
    }

    [Fact]
    public void Create_OverrideOutOfRange_IsRefusedByTheDrillsOwnValidation()
    {
        Assert.Throws<ValidationException>(() => DrillCatalog.Create("plug-pull", overrides: DrillOptionOverrides.Parse(["BrowseRatePerSecond=999999"])));
    }

    [Theory]
    [InlineData("Duration")]
    [InlineData("Duration=soon")]
    public void Parse_OrApply_BadEntry_NamesTheShape(string entry) =>
        Assert.Throws<ArgumentException>(() => DrillOptionOverrides.Parse([entry]).ApplyTo("plug-pull", new PlugPullOptions()));
}
