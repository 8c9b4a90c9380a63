using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Drills.Tests.Model;

public sealed class DrillsServiceCollectionExtensionsTests
{
    [Fact]
    public void AddBulwarkDrills_WithLogging_ResolvesRunnerAndGenerator()
    {
        using var provider = new ServiceCollection().AddLogging().AddBulwarkDrills().BuildServiceProvider();

        Assert.NotNull(provider.GetRequiredService<DrillRunner>());
        Assert.NotNull(provider.GetRequiredService<LoadGenerator>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void AddBulwarkDrills_ClockAlreadyRegistered_KeepsIt()
    {
        var fake = new FakeTimeProvider();
        using var provider = new ServiceCollection().AddSingleton<TimeProvider>(fake).AddBulwarkDrills().BuildServiceProvider();

        Assert.Same(fake, provider.GetRequiredService<TimeProvider>());
        Assert.NotNull(provider.GetRequiredService<DrillRunner>());
    }
}
