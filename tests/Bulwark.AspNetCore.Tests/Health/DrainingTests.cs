using Bulwark.AspNetCore.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.AspNetCore.Tests.Health;

public sealed class DrainingTests
{
    [Fact]
    public async Task DrainingCheck_BeforeAndAfterStopRequested_FlipsToUnhealthy()
    {
        var lifetime = new TestLifetime();
        var check = new DrainingHealthCheck(lifetime);

        var before = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
        lifetime.StopApplication();
        var after = await check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, before.Status);
        Assert.Equal(HealthStatus.Unhealthy, after.Status);
    }

    [Fact]
    public async Task DrainDelay_Stopping_WaitsForTheConfiguredDelayOnTheInjectedClock()
    {
        var time = new FakeTimeProvider();
        var service = new DrainDelayService(Options.Create(new BulwarkHealthOptions { DrainDelay = TimeSpan.FromSeconds(10) }), time);

        var stopping = service.StoppingAsync(TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(stopping.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await stopping.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task DrainDelay_HostShutdownTimeoutCancels_StopsWithoutThrowing()
    {
        var service = new DrainDelayService(Options.Create(new BulwarkHealthOptions { DrainDelay = TimeSpan.FromMinutes(1) }), new FakeTimeProvider());
        using var shutdownTimeout = new CancellationTokenSource();

        var stopping = service.StoppingAsync(shutdownTimeout.Token);
        await shutdownTimeout.CancelAsync();

        await stopping.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    private sealed class TestLifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _stopping = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => _stopping.Cancel();
    }
}
