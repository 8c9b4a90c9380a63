using Bulwark.AspNetCore.Deadlines;
using Bulwark.AspNetCore.LoadShedding;
using Bulwark.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Tests;

/// <summary>The registrations that take the configuration as an optional argument bind their own section only when given it.</summary>
public sealed class OptionsSectionBindingTests
{
    private static readonly IConfiguration Configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        [$"{DeadlineOptions.SectionName}:{nameof(DeadlineOptions.DefaultBudget)}"] = "00:00:07",
        [$"{LoadSheddingOptions.SectionName}:{nameof(LoadSheddingOptions.Compartment)}"] = "orders",
        [$"{BulwarkRateLimitingOptions.SectionName}:{nameof(BulwarkRateLimitingOptions.ApiKeyHeader)}"] = "X-Partner-Key",
    }).Build();

    [Fact]
    public void Add_WithConfiguration_BindsEachOwnSection()
    {
        using var provider = Register(Configuration);

        Assert.Equal(TimeSpan.FromSeconds(7), provider.GetRequiredService<IOptions<DeadlineOptions>>().Value.DefaultBudget);
        Assert.Equal("orders", provider.GetRequiredService<IOptions<LoadSheddingOptions>>().Value.Compartment);
        Assert.Equal("X-Partner-Key", provider.GetRequiredService<IOptions<BulwarkRateLimitingOptions>>().Value.ApiKeyHeader);
    }

    [Fact]
    public void Add_WithoutConfiguration_KeepsTheDocumentedDefaults()
    {
        using var provider = Register(configuration: null);

        Assert.Equal(TimeSpan.FromSeconds(5), provider.GetRequiredService<IOptions<DeadlineOptions>>().Value.DefaultBudget);
        Assert.Equal("database", provider.GetRequiredService<IOptions<LoadSheddingOptions>>().Value.Compartment);
        Assert.Equal("X-Api-Key", provider.GetRequiredService<IOptions<BulwarkRateLimitingOptions>>().Value.ApiKeyHeader);
    }

    private static ServiceProvider Register(IConfiguration? configuration)
    {
        var services = new ServiceCollection();
        services.AddBulwarkDeadlines(configuration);
        services.AddBulwarkLoadShedding(configuration);
        services.AddBulwarkRateLimiting(configuration);
        return services.BuildServiceProvider();
    }
}
