using Bulwark.Drills.Model;
using Bulwark.Drills.Proxy;

namespace Bulwark.Drills.Switches;

/// <summary>Switches a dependency that has no fault controls of its own through a <see cref="FaultProxy"/> in front of it.</summary>
public sealed class ProxyDependencySwitch : IDependencySwitch
{
    private readonly FaultProxy _proxy;

    /// <summary>Creates a switch over <paramref name="proxy"/>; the system under test must connect to the proxy's port.</summary>
    public ProxyDependencySwitch(string name, FaultProxy proxy)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(proxy);
        Name = name;
        _proxy = proxy;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Description => $"fault proxy on {_proxy.EndPoint}";

    /// <inheritdoc />
    public Task BreakAsync(DependencyFault fault, TimeSpan latency, CancellationToken cancellationToken)
    {
        _proxy.SetFaults(fault switch
        {
            // A stopped process: open connections die with it and new connects are refused.
            DependencyFault.Down => new ProxyFaults { Reset = true, Refuse = true },
            DependencyFault.Blackhole => new ProxyFaults { Blackhole = true },
            // A socket proxy does not speak the dependency's protocol, so it has no error answer to give.
            DependencyFault.Errors => throw new DrillPreconditionException($"The '{Name}' dependency is switched by a TCP fault proxy, which cannot answer with errors; give a stand-in's control endpoint (NAME=URL) instead."),
            _ => new ProxyFaults { LatencyMs = (int)Math.Clamp(latency.TotalMilliseconds, 0, 600_000) },
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RestoreAsync(CancellationToken cancellationToken)
    {
        _proxy.ClearFaults();
        return Task.CompletedTask;
    }
}
