using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bulwark.Drills.ThreeAm;

/// <summary>
/// The Codex's non-symptom: a node exporter's view of a disk 80% full, served on a free loopback port for Prometheus
/// to scrape beside the target. A cause with no user in pain: it may open a ticket, never page.
/// </summary>
internal sealed class DiskStandIn : IAsyncDisposable
{
    private const string Exposition = """
        # HELP node_filesystem_size_bytes Filesystem size in bytes.
        # TYPE node_filesystem_size_bytes gauge
        node_filesystem_size_bytes{device="/dev/drill",fstype="ext4",mountpoint="/"} 1e+11
        # HELP node_filesystem_avail_bytes Filesystem space available to non-root users in bytes.
        # TYPE node_filesystem_avail_bytes gauge
        node_filesystem_avail_bytes{device="/dev/drill",fstype="ext4",mountpoint="/"} 2e+10

        """;

    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public DiskStandIn()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        _listener.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/"));
        _listener.Start();
        _serving = ServeAsync();
    }

    /// <summary>The loopback port it serves <c>/metrics</c> on.</summary>
    public int Port { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Close();
        try
        {
            await _serving.ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
            // Closing the listener ends the wait for the next request.
        }

        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        var body = Encoding.UTF8.GetBytes(Exposition.Replace("\r\n", "\n", StringComparison.Ordinal));
        while (!_stop.IsCancellationRequested)
        {
            var context = await _listener.GetContextAsync().ConfigureAwait(false);
            context.Response.ContentType = "text/plain; version=0.0.4";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body, _stop.Token).ConfigureAwait(false);
            context.Response.Close();
        }
    }
}
