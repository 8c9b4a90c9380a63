namespace Bulwark.Drills.Switches;

/// <summary>Breaks and mends one dependency of the system under test, whatever it is (a stand-in, a database behind a proxy).</summary>
public interface IDependencySwitch
{
    /// <summary>The dependency's name, e.g. <c>payments</c>.</summary>
    string Name { get; }

    /// <summary>How it is switched, for reports, e.g. <c>control endpoint http://127.0.0.1:5101/_control/faults</c>.</summary>
    string Description { get; }

    /// <summary>Injects <paramref name="fault"/>; <paramref name="latency"/> is used by <see cref="DependencyFault.Slow"/>.</summary>
    Task BreakAsync(DependencyFault fault, TimeSpan latency, CancellationToken cancellationToken);

    /// <summary>Removes every fault.</summary>
    Task RestoreAsync(CancellationToken cancellationToken);
}
