using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.CircuitBreaker;
using Bulwark.Resilience.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;

namespace Bulwark.Resilience.Tests.DependencyInjection;

public sealed class ResilienceServiceCollectionExtensionsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public async Task AddBulwarkResilience_PipelineFromConfiguration_SharesItsNamedBreakerAndBulkhead()
    {
        var services = new ServiceCollection();
        services.AddBulwarkResilience(Config(
            ("Bulwark:Resilience:Pipelines:payments:CircuitBreaker", "payments"),
            ("Bulwark:Resilience:Pipelines:payments:Bulkhead", "payments"),
            ("Bulwark:Resilience:Bulkheads:payments:MaxConcurrency", "1"),
            ("Bulwark:Resilience:CircuitBreakers:payments:FailureThreshold", "2")));
        await using var provider = services.BuildServiceProvider();

        var pipeline = provider.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline("payments");
        var breaker = provider.GetRequiredService<CircuitBreakerRegistry>().Get("payments");
        Assert.Equal(2, breaker.Options.FailureThreshold);
        Assert.Equal(1, provider.GetRequiredService<BulkheadRegistry>().Get("payments").Options.MaxConcurrency);

        for (var i = 0; i < 2; i++)
        {
            var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);
            await pipeline.ExecuteOutcomeAsync((_, _) => Outcome.FromExceptionAsValueTask<int>(new InvalidOperationException()), context, 0);
        }

        Assert.Equal(Polly.CircuitBreaker.CircuitState.Open, breaker.State);
    }

    [Fact]
    public async Task AddBulwarkResilience_InvalidOptions_FailValidation()
    {
        var services = new ServiceCollection();
        services.AddBulwarkResilience(Config(("Bulwark:Resilience:Bulkheads:reporting:MaxConcurrency", "0")));
        await using var provider = services.BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<BulkheadOptions>>().Get("reporting"));
    }

    [Fact]
    public async Task ConfigureBulkhead_InCode_OverridesConfiguration()
    {
        var services = new ServiceCollection();
        services.AddBulwarkResilience(Config(("Bulwark:Resilience:Bulkheads:reporting:MaxConcurrency", "8")))
            .ConfigureBulkhead("reporting", o => o.QueueLimit = 3)
            .AddPipeline("reports", o => o.Bulkhead = "reporting");
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline("reports");
        var options = provider.GetRequiredService<BulkheadRegistry>().Get("reporting").Options;
        Assert.Equal(8, options.MaxConcurrency);
        Assert.Equal(3, options.QueueLimit);
    }
}
