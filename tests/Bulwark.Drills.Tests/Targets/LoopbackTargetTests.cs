using System.Net;
using System.Net.Sockets;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Proxy;
using Bulwark.Drills.Switches;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.Tests.Targets;

/// <summary>Drills may only ever touch this machine: every entry point refuses anything else, before any traffic.</summary>
public sealed class LoopbackTargetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("http://127.0.0.1:5100")]
    [InlineData("http://127.1.2.3:80/")]
    [InlineData("http://localhost:5100/")]
    [InlineData("http://LOCALHOST/")]
    [InlineData("http://[::1]:5100/")]
    [InlineData("http://[::ffff:127.0.0.1]:5100/")]
    public void Parse_LoopbackTarget_IsAccepted(string target) => Assert.NotNull(LoopbackTarget.Parse(target));

    [Theory]
    [InlineData("http://10.0.0.1:5100")]
    [InlineData("http://192.168.1.10/")]
    [InlineData("http://128.0.0.1/")]
    [InlineData("http://example.com/")]
    [InlineData("http://localhost.example.com/")]
    [InlineData("http://127.0.0.1.nip.io/")]
    [InlineData("http://[2001:db8::1]/")]
    [InlineData("http://0.0.0.0:5100/")]
    public void Parse_NonLoopbackTarget_IsRefusedNamingTheFix(string target)
    {
        var e = Assert.Throws<NonLoopbackTargetException>(() => LoopbackTarget.Parse(target));

        Assert.Contains("loopback", e.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadGenerator_NonLoopbackTarget_RefusesBeforeSending()
    {
        var generator = new LoadGenerator(TimeProvider.System);
        var created = 0;

        await Assert.ThrowsAsync<NonLoopbackTargetException>(() => generator.RunAsync(
            new LoadOptions { Target = new Uri("http://203.0.113.7/"), MaxRequests = 5 },
            _ =>
            {
                created++;
                return LoadRequest.Get("/");
            },
            Ct));
        Assert.Equal(0, created);
    }

    [Theory]
    [InlineData("//203.0.113.7/x")]
    [InlineData("http://203.0.113.7/x")]
    public async Task LoadGenerator_RequestPathLeavingTheTarget_NeverSends(string path)
    {
        await using var server = await TinyServer.StartAsync();
        var generator = new LoadGenerator(TimeProvider.System);

        await Assert.ThrowsAsync<InvalidOperationException>(() => generator.RunAsync(
            new LoadOptions { Target = server.BaseAddress, MaxRequests = 1 },
            _ => LoadRequest.Get(path),
            Ct));
    }

    [Fact]
    public async Task ConnectAsync_NonLoopbackHost_RefusesWithoutConnecting() =>
        await Assert.ThrowsAsync<NonLoopbackTargetException>(() => LoopbackHttp.ConnectAsync("198.51.100.1", 80, Ct));

    [Fact]
    public void FaultProxy_NonLoopbackUpstream_IsRefused() =>
        Assert.Throws<NonLoopbackTargetException>(() => new FaultProxy(new FaultProxyOptions { UpstreamHost = "10.1.1.1", UpstreamPort = 5432 }, TimeProvider.System));

    [Fact]
    public void DrillContext_NonLoopbackTarget_IsRefused() =>
        Assert.Throws<NonLoopbackTargetException>(() => new DrillContext(new Uri("http://example.org/"), TimeProvider.System, new LoadGenerator(TimeProvider.System)));

    [Fact]
    public void StandInFaultSwitch_NonLoopbackControl_IsRefused() =>
        Assert.Throws<NonLoopbackTargetException>(() => new StandInFaultSwitch("payments", new Uri("http://172.16.0.1:5101/")));

    [Fact]
    public void IsLoopback_MappedAndPlainAddresses_AreClassified()
    {
        Assert.True(LoopbackTarget.IsLoopback(IPAddress.Parse("127.255.255.254")));
        Assert.True(LoopbackTarget.IsLoopback(IPAddress.IPv6Loopback));
        Assert.False(LoopbackTarget.IsLoopback(IPAddress.Parse("::ffff:10.0.0.1")));
        Assert.False(LoopbackTarget.IsLoopback(IPAddress.Any));
        Assert.Equal(AddressFamily.InterNetworkV6, IPAddress.Parse("::ffff:127.0.0.1").AddressFamily);
    }
}
