using System.Globalization;
using Bulwark.Drills.Proxy;
using Bulwark.Drills.Switches;
using Bulwark.Drills.Targets;

namespace Bulwark.Cli.Drills;

/// <summary>
/// Parses <c>--dependency NAME=URL</c> (a stand-in with <c>/_control/faults</c>) and <c>--dependency
/// NAME=proxy:LISTEN:UPSTREAM</c> (a fault proxy the drill runs in front of a socket dependency) into switches, so
/// drills name dependencies generically instead of the CLI knowing the shop's.
/// </summary>
internal sealed class DependencySpecs : IAsyncDisposable
{
    private readonly List<FaultProxy> _proxies = [];

    public List<IDependencySwitch> Switches { get; } = [];

    public static async Task<DependencySpecs> StartAsync(IEnumerable<string> specs, TimeProvider time)
    {
        var result = new DependencySpecs();
        try
        {
            foreach (var spec in specs)
            {
                var equals = spec.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0 || equals == spec.Length - 1)
                {
                    throw new UsageException($"--dependency '{spec}' is not NAME=URL or NAME=proxy:LISTEN:UPSTREAM; e.g. --dependency payments=http://127.0.0.1:5101 or --dependency critical=proxy:15432:5432.");
                }

                var name = spec[..equals].Trim();
                var value = spec[(equals + 1)..].Trim();
                if (result.Switches.Exists(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)))
                {
                    throw new UsageException($"The dependency '{name}' is given twice; name each once.");
                }

                if (value.StartsWith("proxy:", StringComparison.OrdinalIgnoreCase))
                {
                    var proxy = StartProxy(name, value["proxy:".Length..], time);
                    result._proxies.Add(proxy);
                    result.Switches.Add(new ProxyDependencySwitch(name, proxy));
                }
                else
                {
                    result.Switches.Add(new StandInFaultSwitch(name, LoopbackTarget.Parse(value)));
                }
            }
        }
        catch
        {
            // A bad second spec must not leave the first spec's proxy listening.
            await result.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var proxy in _proxies)
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
        }

        _proxies.Clear();
    }

    private static FaultProxy StartProxy(string name, string ports, TimeProvider time)
    {
        var parts = ports.Split(':');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var listen)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var upstream))
        {
            throw new UsageException($"--dependency {name}=proxy:{ports} is not proxy:LISTEN:UPSTREAM; e.g. proxy:15432:5432 proxies 127.0.0.1:15432 to 127.0.0.1:5432.");
        }

        return new FaultProxy(new FaultProxyOptions { ListenPort = listen, UpstreamPort = upstream }, time).Start();
    }
}
