using System.Net.Sockets;
using Bulwark.Testing;

namespace Shop.Host.Tests;

/// <summary>
/// Issue 10, item 8: test servers must not fight over ports. Linux hands a just-released port out again soon (about one
/// bind in ten in a quick loop here), so two servers of one test run could be given the same port.
/// </summary>
public sealed class FreePortTests
{
    [Fact]
    public void Next_ManyCallsFromParallelTests_NeverHandsOutAPortTwice()
    {
        var ports = new int[1000];
        Parallel.For(0, ports.Length, i => ports[i] = FreePort.Next());

        Assert.Equal(ports.Length, ports.Distinct().Count());
        Assert.DoesNotContain(FreePort.Refusing, ports);
    }

    [Fact]
    public async Task Refusing_EveryConnection_IsRefused()
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var client = new TcpClient();
            var error = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync("127.0.0.1", FreePort.Refusing, TestContext.Current.CancellationToken).AsTask());
            Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
        }
    }
}
