using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace Bulwark.Sidecar.Proxy;

/// <summary>
/// One YARP route and cluster per upstream, built once from <see cref="SidecarOptions"/>. Reading the options here
/// validates them: YARP asks for its configuration while endpoints are mapped, before start-up validation would run.
/// </summary>
internal sealed partial class SidecarProxyConfig : IProxyConfigProvider
{
    private const string Destination = "upstream";
    private readonly Snapshot _snapshot;

    public SidecarProxyConfig(IOptions<SidecarOptions> options, ILogger<SidecarProxyConfig> logger)
    {
        var upstreams = options.Value.Upstreams;
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        foreach (var (name, upstream) in upstreams)
        {
            routes.Add(new RouteConfig
            {
                RouteId = name,
                ClusterId = name,
                // A catch-all is tried after every narrower path, whatever order the upstreams were listed in.
                Order = upstream.Path.Contains("{**", StringComparison.Ordinal) && upstream.Path.IndexOf('/', 1) < 0 ? 1000 : 0,
                Match = new RouteMatch { Path = upstream.Path },
            });
            clusters.Add(new ClusterConfig
            {
                ClusterId = name,
                Destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal)
                {
                    [Destination] = new() { Address = upstream.Address },
                },
            });
            LogUpstream(logger, name, upstream.Path, upstream.Address, upstream.Pipeline ?? name);
        }

        _snapshot = new Snapshot(routes, clusters);
    }

    public IProxyConfig GetConfig() => _snapshot;

    [LoggerMessage(EventId = SidecarEventIds.Upstream, Level = LogLevel.Information, Message = "Sidecar upstream {Upstream}: {Path} → {Address} through pipeline {Pipeline}")]
    private static partial void LogUpstream(ILogger logger, string upstream, string path, string address, string pipeline);

    private sealed class Snapshot(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters) : IProxyConfig
    {
        public IReadOnlyList<RouteConfig> Routes { get; } = routes;

        public IReadOnlyList<ClusterConfig> Clusters { get; } = clusters;

        // The upstreams are fixed for the process's life; a change is a restart, like any sidecar's.
        public IChangeToken ChangeToken { get; } = new CancellationChangeToken(CancellationToken.None);
    }
}
