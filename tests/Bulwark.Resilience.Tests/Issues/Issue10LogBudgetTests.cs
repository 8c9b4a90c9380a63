using System.Collections.Concurrent;
using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.Registry;

namespace Bulwark.Resilience.Tests.Issues;

/// <summary>Issue 10, item 5: a burst of refusals writes a bounded amount of log, through our loggers and Polly's telemetry.</summary>
public sealed class Issue10LogBudgetTests
{
    private const int LineLimit = 8 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Refusals_TenThousandThroughAConfiguredPipeline_StayWithinTheLogBudget()
    {
        var sink = new CapturingProvider();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bulwark:Resilience:CircuitBreakers:payments:FailureThreshold"] = "5",
            ["Bulwark:Resilience:Bulkheads:payments:MaxConcurrency"] = "1",
            ["Bulwark:Resilience:Pipelines:payments:CircuitBreaker"] = "payments",
            ["Bulwark:Resilience:Pipelines:payments:Bulkhead"] = "payments",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero)));
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(sink));
        services.AddBulwarkResilience(configuration);
        await using var provider = services.BuildServiceProvider();
        var pipeline = provider.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline("payments");
        var compartment = provider.GetRequiredService<BulkheadRegistry>().Get("payments");

        using (await compartment.AcquireAsync(Ct))
        {
            for (var i = 0; i < 5_000 && sink.Longest <= LineLimit; i++)
            {
                await Refused(pipeline);
            }
        }

        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<HttpRequestException>(async () => await pipeline.ExecuteAsync<int>(_ => throw new HttpRequestException("down"), Ct));
        }

        // Stops early once a line is over the limit: a growing refusal makes each further line longer, and the test slow.
        for (var i = 0; i < 5_000 && sink.Longest <= LineLimit; i++)
        {
            await Refused(pipeline);
        }

        var lines = sink.Lines.ToList();
        var longest = lines.Max(l => l.Text.Length);
        Assert.True(longest <= LineLimit, $"The longest log line is {longest} characters.");
        var atInformation = lines.Where(l => l.Level >= LogLevel.Information).ToList();
        // The five failed calls (Polly logs each at warning) and the breaker opening; nothing per refusal.
        Assert.True(atInformation.Count <= 12, $"{atInformation.Count} lines at information or above:\n{string.Join("\n", atInformation.Take(3).Select(l => l.Level + " " + l.Text))}");
        Assert.True(atInformation.Sum(l => l.Text.Length) < 16 * 1024, $"{atInformation.Sum(l => l.Text.Length)} characters at information or above.");
        Assert.Contains(atInformation, l => l.Text.Contains("moved from Closed to Open", StringComparison.Ordinal));
    }

    private static async Task Refused(ResiliencePipeline pipeline)
    {
        try
        {
            await pipeline.ExecuteAsync(_ => ValueTask.FromResult(1), Ct);
        }
        catch (Exception e) when (e is BulkheadRejectedException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            // Expected: the point is what got logged on the way.
        }
    }

    private sealed class CapturingProvider : ILoggerProvider
    {
        private int _longest;

        public ConcurrentQueue<(LogLevel Level, string Text)> Lines { get; } = new();

        public int Longest => Volatile.Read(ref _longest);

        public ILogger CreateLogger(string categoryName) => new Capturing(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Capturing(CapturingProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var text = $"{category}: {formatter(state, exception)} {exception}";
                owner.Lines.Enqueue((logLevel, text));
                if (text.Length > owner._longest)
                {
                    owner._longest = text.Length;
                }
            }
        }
    }
}
