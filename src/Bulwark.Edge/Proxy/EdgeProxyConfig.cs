using Bulwark.Edge.Cells;
using Bulwark.Edge.Release;
using Bulwark.Edge.Strangler;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Bulwark.Edge.Proxy;

/// <summary>
/// Turns <see cref="EdgeOptions"/> into YARP routes and clusters and swaps them in on every configuration reload.
/// A reload that fails validation is logged and ignored: the edge keeps routing by the last good configuration
/// rather than dropping every route.
/// </summary>
internal sealed partial class EdgeProxyConfig : IProxyConfigProvider, IDisposable
{
    public const string LegacyDestination = "legacy";
    public const string NewDestination = "new";
    public const string ReleaseRouteId = "release";
    public const string ReleaseClusterId = "release";
    public const string CellsRouteId = "cells";

    private readonly StranglerTable _strangler;
    private readonly ReleaseController _release;
    private readonly CellRouter _cells;
    private readonly ILogger<EdgeProxyConfig> _logger;
    private readonly IDisposable? _subscription;
    private Snapshot _current;

    public EdgeProxyConfig(IOptionsMonitor<EdgeOptions> options, StranglerTable strangler, ReleaseController release, CellRouter cells, ILogger<EdgeProxyConfig> logger)
    {
        _cells = cells;
        _strangler = strangler;
        _release = release;
        _logger = logger;
        var initial = options.CurrentValue;
        var errors = Validate(initial);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(EdgeOptions.SectionName, typeof(EdgeOptions), errors);
        }

        _current = Build(initial);
        _subscription = options.OnChange(Reload);
    }

    public IProxyConfig GetConfig() => Volatile.Read(ref _current);

    public void Dispose()
    {
        _subscription?.Dispose();
        _current.Dispose();
    }

    /// <summary>Every problem with the options: annotations, then references between sections.</summary>
    public static List<string> Validate(EdgeOptions options)
    {
        var errors = new List<string>();
        var annotations = new EdgeOptionsValidator().Validate(EdgeOptions.SectionName, options);
        if (annotations.Failed)
        {
            errors.AddRange(annotations.Failures);
        }

        foreach (var (name, url) in options.Backends.Concat(options.Release.Slots).Concat(options.Cells.Cells.Select(c => KeyValuePair.Create(c.Key, c.Value.Url))))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                errors.Add($"Backend or slot '{name}' needs an absolute http(s) URL, not '{url}'.");
            }
        }

        foreach (var (name, route) in options.Strangler.Routes)
        {
            // The options validator does not walk dictionary values; each route is checked here.
            if (route.Path.Length == 0 || route.Legacy.Path.Length == 0 || route.New.Path.Length == 0)
            {
                errors.Add($"Strangler route '{name}' needs Path, Legacy:Path and New:Path.");
            }

            foreach (var backend in new[] { route.Legacy.Backend, route.New.Backend })
            {
                if (!options.Backends.ContainsKey(backend))
                {
                    errors.Add($"Strangler route '{name}' names backend '{backend}', which is not in {EdgeOptions.SectionName}:Backends.");
                }
            }

            if (route.LegacyShape is { } shape)
            {
                errors.AddRange(LegacyShape.Validate(shape).Select(e => $"Strangler route '{name}' LegacyShape: {e}"));
            }
        }

        if (options.Release.Live is { } live && !options.Release.Slots.ContainsKey(live))
        {
            errors.Add($"{EdgeOptions.SectionName}:Release:Live is '{live}', which is not in {EdgeOptions.SectionName}:Release:Slots.");
        }

        if (options.Cells.GlobalCell is { } global && !options.Cells.Cells.ContainsKey(global))
        {
            errors.Add($"{EdgeOptions.SectionName}:Cells:GlobalCell is '{global}', which is not in {EdgeOptions.SectionName}:Cells:Cells.");
        }

        foreach (var (name, cell) in options.Cells.Cells)
        {
            // The options validator does not walk dictionary values; each cell is checked here.
            if (cell.Weight < 0 || cell.Capacity < 0 || double.IsNaN(cell.Weight))
            {
                errors.Add($"Cell '{name}' needs a Weight and a Capacity of 0 or more.");
            }
        }

        var steps = options.Release.Canary.EffectiveSteps;
        if (steps[^1] != 100 || steps.Any(s => s is <= 0 or > 100) || steps.Zip(steps.Skip(1)).Any(p => p.Second <= p.First))
        {
            errors.Add($"{EdgeOptions.SectionName}:Release:Canary:Steps must rise from above 0 to exactly 100; got {string.Join(", ", steps)}.");
        }

        ValidateBusinessMetric(options, errors);
        return errors;
    }

    // The options validator does not parse selectors nor walk dictionary values: the business metric is checked here.
    private static void ValidateBusinessMetric(EdgeOptions options, List<string> errors)
    {
        var business = options.Release.Canary.Business;
        var prefix = $"{EdgeOptions.SectionName}:Release:Canary:Business";
        if ((business.Bad is null) != (business.Good is null))
        {
            errors.Add($"{prefix}:Good and {prefix}:Bad go together (the bad share is bad ÷ (good + bad)); set both or neither.");
        }

        foreach (var (setting, selector) in new[] { ("Good", business.Good), ("Bad", business.Bad) })
        {
            if (selector is not null && !PrometheusSelector.TryParse(selector, out _, out var why))
            {
                errors.Add($"{prefix}:{setting} is not a Prometheus series selector like name{{label=\"value\"}} ({why}): '{selector}'.");
            }
        }

        if (!business.MetricsPath.StartsWith('/'))
        {
            errors.Add($"{prefix}:MetricsPath must start with '/', not '{business.MetricsPath}'.");
        }

        foreach (var (slot, url) in business.MetricsUrls)
        {
            if (!options.Release.Slots.ContainsKey(slot))
            {
                errors.Add($"{prefix}:MetricsUrls names slot '{slot}', which is not in {EdgeOptions.SectionName}:Release:Slots.");
            }

            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                errors.Add($"{prefix}:MetricsUrls:{slot} needs an absolute http(s) URL, not '{url}'.");
            }
        }
    }

    private void Reload(EdgeOptions options)
    {
        var errors = Validate(options);
        if (errors.Count > 0)
        {
            LogRejected(string.Join(" ", errors));
            return;
        }

        var previous = Interlocked.Exchange(ref _current, Build(options));
        LogReloaded(options.Strangler.Routes.Count, options.Release.Slots.Count, options.Cells.Cells.Count);
        previous.SignalChange();
    }

    private Snapshot Build(EdgeOptions options)
    {
        _strangler.Apply(options.Strangler);
        _release.Apply(options.Release);
        _cells.Apply(options.Cells);
        var forwarding = new ForwarderRequestConfig { ActivityTimeout = options.BackendActivityTimeout };
        var routes = new List<RouteConfig>();
        var clusters = new List<ClusterConfig>();
        foreach (var (name, route) in options.Strangler.Routes)
        {
            var id = "strangler/" + name;
            routes.Add(new RouteConfig
            {
                RouteId = id,
                ClusterId = id,
                Order = 0,
                Match = new RouteMatch { Path = route.Path },
                Metadata = new Dictionary<string, string> { [StranglerStep.RouteMetadataKey] = name },
            });
            clusters.Add(new ClusterConfig
            {
                ClusterId = id,
                HttpRequest = forwarding,
                Destinations = new Dictionary<string, DestinationConfig>
                {
                    [LegacyDestination] = new() { Address = options.Backends[route.Legacy.Backend] },
                    [NewDestination] = new() { Address = options.Backends[route.New.Backend] },
                },
            });
        }

        // Cells and release slots both take every path no strangler route claims; configured cells win (a cell's own
        // blue-green runs behind the cell's address, not at the edge).
        if (options.Release.Slots.Count > 0 && options.Cells.Cells.Count == 0)
        {
            routes.Add(new RouteConfig
            {
                RouteId = ReleaseRouteId,
                ClusterId = ReleaseClusterId,
                // After every strangled path: the release gets whatever no strangler route claims.
                Order = 1000,
                Match = new RouteMatch { Path = "/{**catch-all}" },
                Metadata = new Dictionary<string, string> { [ReleaseStep.RouteMetadataKey] = "true" },
            });
            clusters.Add(new ClusterConfig
            {
                ClusterId = ReleaseClusterId,
                HttpRequest = forwarding,
                Destinations = options.Release.Slots.ToDictionary(s => s.Key, s => new DestinationConfig { Address = s.Value }, StringComparer.OrdinalIgnoreCase),
            });
        }

        if (options.Cells.Cells.Count > 0)
        {
            routes.Add(new RouteConfig
            {
                RouteId = CellsRouteId,
                ClusterId = CellsRouteId,
                // After every strangled path, like the release route it stands in for.
                Order = 1000,
                Match = new RouteMatch { Path = "/{**catch-all}" },
                Metadata = new Dictionary<string, string> { [CellStep.RouteMetadataKey] = "true" },
            });
            clusters.Add(new ClusterConfig
            {
                ClusterId = CellsRouteId,
                HttpRequest = forwarding,
                // Only the shared-pool demonstration balances; with cells the step leaves one destination.
                LoadBalancingPolicy = "RoundRobin",
                Destinations = options.Cells.Cells.ToDictionary(c => c.Key, c => new DestinationConfig { Address = c.Value.Url }, StringComparer.OrdinalIgnoreCase),
            });
        }

        return new Snapshot(routes, clusters);
    }

    [LoggerMessage(EventId = EdgeEventIds.ConfigReloaded, Level = LogLevel.Information, Message = "Edge configuration reloaded: {Routes} strangled routes, {Slots} release slots, {Cells} cells")]
    private partial void LogReloaded(int routes, int slots, int cells);

    [LoggerMessage(EventId = EdgeEventIds.ConfigRejected, Level = LogLevel.Error, Message = "Edge configuration reload rejected, still routing by the last good one: {Errors}")]
    private partial void LogRejected(string errors);

    private sealed class Snapshot(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters) : IProxyConfig, IDisposable
    {
        private readonly CancellationTokenSource _changed = new();

        public IReadOnlyList<RouteConfig> Routes { get; } = routes;

        public IReadOnlyList<ClusterConfig> Clusters { get; } = clusters;

        public IChangeToken ChangeToken => new CancellationChangeToken(_changed.Token);

        public void SignalChange() => _changed.Cancel();

        public void Dispose() => _changed.Dispose();
    }
}
