using System.ComponentModel.DataAnnotations;

namespace Bulwark.AspNetCore.Limits;

/// <summary>
/// Kestrel's connection, header and body limits, set on purpose instead of left at the server's defaults, plus a cap on
/// open connections per client address. Bound from <c>Bulwark:Limits</c>. See <c>docs/limits.md</c>.
/// </summary>
public sealed class ConnectionLimitsOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Bulwark:Limits";

    /// <summary>
    /// The most open connections the server keeps; a connection over it is closed as soon as it is accepted. Keep it
    /// well under the process's file-descriptor limit (<c>ulimit -n</c>): outgoing connections and files need some too.
    /// </summary>
    /// <value>The default value is 5,000.</value>
    [Range(1, 1_000_000)]
    public long MaxConcurrentConnections { get; set; } = 5_000;

    /// <summary>
    /// The most open connections one client address may hold (IPv4 per address, IPv6 per /64 network); one more is
    /// closed at once, so one client cannot take every connection slot from the others. 0 turns the cap off.
    /// </summary>
    /// <value>The default value is 100 (a browser opens about 6 per host).</value>
    [Range(0, 1_000_000)]
    public int MaxConnectionsPerClient { get; set; } = 100;

    /// <summary>
    /// Addresses the per-client cap does not apply to: the reverse proxies in front of the server, whose connections
    /// carry many clients each (per-client limits behind them are the rate limiter's job, on forwarded addresses).
    /// </summary>
    /// <value>The default value is empty.</value>
    public IList<string> ExemptAddresses { get; } = [];

    /// <summary>How long an idle keep-alive connection stays open.</summary>
    /// <value>The default value is 30 seconds (Kestrel's own is 130 seconds).</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a client may take to send the request line and headers.</summary>
    /// <value>The default value is 10 seconds (Kestrel's own is 30 seconds).</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest request line (method, path and query).</summary>
    /// <value>The default value is 8 KiB.</value>
    [Range(1024, 1024 * 1024)]
    public int MaxRequestLineSize { get; set; } = 8 * 1024;

    /// <summary>The largest total size of the request headers; over it the request is answered 431.</summary>
    /// <value>The default value is 32 KiB.</value>
    [Range(1024, 1024 * 1024)]
    public int MaxRequestHeadersTotalSize { get; set; } = 32 * 1024;

    /// <summary>The most request headers; over it the request is answered 431.</summary>
    /// <value>The default value is 64 (Kestrel's own is 100).</value>
    [Range(1, 1000)]
    public int MaxRequestHeaderCount { get; set; } = 64;

    /// <summary>
    /// The largest request body on any endpoint that does not set its own (<c>WithMaxRequestBodySize</c>); over it the
    /// request is answered 413 problem details.
    /// </summary>
    /// <value>The default value is 1 MiB (Kestrel's own is about 28.6 MiB).</value>
    [Range(0, 1024L * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
