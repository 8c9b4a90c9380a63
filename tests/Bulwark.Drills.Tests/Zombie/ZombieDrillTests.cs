using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Proxy;
using Bulwark.Drills.Switches;
using Bulwark.Drills.Zombie;

namespace Bulwark.Drills.Tests.Zombie;

/// <summary>
/// Zombie's critical half end to end: a service whose readiness needs a TCP dependency, with the dependency behind a
/// real fault proxy that the drill pulls.
/// </summary>
public sealed class ZombieDrillTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_ReadinessChecksTheProxiedDependency_PassesWithMeasuredDropAndRecovery()
    {
        await using var server = await TinyServer.StartAsync();
        await using var proxy = new FaultProxy(new FaultProxyOptions { UpstreamPort = server.Port }, TimeProvider.System).Start();

        var report = await RunAsync(server, proxy, $"/ready-via/{proxy.EndPoint.Port}");

        Assert.True(report.Verdict.Outcome == DrillOutcome.Passed, report.Verdict.Reason);
        Assert.Contains(report.Verdict.Figures, f => f.Name.StartsWith("time to unready", StringComparison.Ordinal) && f.Ok == true);
        Assert.False(proxy.Faults.Refuse);
    }

    [Fact]
    public async Task Run_ReadinessIgnoresTheDeadDependency_FailsAsAZombie()
    {
        await using var server = await TinyServer.StartAsync();
        await using var proxy = new FaultProxy(new FaultProxyOptions { UpstreamPort = server.Port }, TimeProvider.System).Start();

        var report = await RunAsync(server, proxy, "/ok");

        Assert.Equal(DrillOutcome.Failed, report.Verdict.Outcome);
        Assert.Contains("zombie", report.Verdict.Reason, StringComparison.Ordinal);
        Assert.True(report.Restored);
        Assert.False(proxy.Faults.Refuse);
    }

    private static Task<DrillReport> RunAsync(TinyServer server, FaultProxy proxy, string readyPath)
    {
        var drill = new ZombieDrill(new ZombieOptions
        {
            LivePath = "/ok",
            ReadyPath = readyPath,
            BrowsePath = "/ok",
            ObserveFor = TimeSpan.FromMilliseconds(500),
            PollInterval = TimeSpan.FromMilliseconds(50),
            ReadyDropWithin = TimeSpan.FromSeconds(1),
            RecoverWithin = TimeSpan.FromSeconds(3),
        });
        var context = new DrillContext(
            server.BaseAddress,
            TimeProvider.System,
            new LoadGenerator(TimeProvider.System),
            [new NoOpSwitch("payments"), new ProxyDependencySwitch("critical", proxy)]);
        return new DrillRunner(TimeProvider.System).RunAsync(drill, context, Ct);
    }

    /// <summary>An external API this tiny service does not really call: only the critical half is under test here.</summary>
    private sealed class NoOpSwitch(string name) : IDependencySwitch
    {
        public string Name => name;

        public string Description => "no-op";

        public Task BreakAsync(DependencyFault fault, TimeSpan latency, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task RestoreAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
