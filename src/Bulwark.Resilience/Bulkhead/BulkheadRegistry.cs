using System.Diagnostics.Metrics;
using Bulwark.Resilience.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Resilience.Bulkhead;

/// <summary>The process's named compartments (login, reporting, payment provider, ...), built on first use from
/// <c>Bulwark:Resilience:Bulkheads:{name}</c>.</summary>
public sealed class BulkheadRegistry : IDisposable
{
    private readonly NamedInstances<BulkheadCompartment> _compartments;

    /// <summary>Creates the registry.</summary>
    /// <param name="options">Named compartment settings.</param>
    /// <param name="loggerFactory">Where compartments log.</param>
    /// <param name="meterFactory">Creates the compartments' meter; a process meter when <see langword="null"/>.</param>
    /// <param name="timeProvider">The compartments' clock; the system clock when <see langword="null"/>.</param>
    public BulkheadRegistry(IOptionsMonitor<BulkheadOptions> options, ILoggerFactory loggerFactory, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var logger = loggerFactory.CreateLogger(typeof(BulkheadCompartment).FullName!);
        _compartments = new(name => new BulkheadCompartment(name, options.Get(name), logger, meterFactory, timeProvider));
    }

    /// <summary>The compartment called <paramref name="name"/>, created on first use.</summary>
    /// <param name="name">The compartment's name.</param>
    /// <returns>The shared compartment.</returns>
    public BulkheadCompartment Get(string name) => _compartments.Get(name);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var compartment in _compartments.All)
        {
            compartment.Dispose();
        }
    }
}
