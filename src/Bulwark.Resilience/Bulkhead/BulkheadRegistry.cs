using System.Diagnostics.Metrics;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Resilience.Bulkhead;

/// <summary>The process's named compartments (login, reporting, payment provider, ...), built on first use from
/// <c>Bulwark:Resilience:Bulkheads:{name}</c>.</summary>
public sealed class BulkheadRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, BulkheadCompartment> _compartments = new(StringComparer.Ordinal);
    private readonly IOptionsMonitor<BulkheadOptions> _options;
    private readonly ILogger _logger;
    private readonly IMeterFactory? _meterFactory;

    /// <summary>Creates the registry.</summary>
    /// <param name="options">Named compartment settings.</param>
    /// <param name="loggerFactory">Where compartments log.</param>
    /// <param name="meterFactory">Creates the compartments' meter; a process meter when <see langword="null"/>.</param>
    public BulkheadRegistry(IOptionsMonitor<BulkheadOptions> options, ILoggerFactory loggerFactory, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options;
        _logger = loggerFactory.CreateLogger(typeof(BulkheadCompartment).FullName!);
        _meterFactory = meterFactory;
    }

    /// <summary>The compartment called <paramref name="name"/>, created on first use.</summary>
    /// <param name="name">The compartment's name.</param>
    /// <returns>The shared compartment.</returns>
    public BulkheadCompartment Get(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return _compartments.GetOrAdd(name, static (n, self) => new BulkheadCompartment(n, self._options.Get(n), self._logger, self._meterFactory), this);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var compartment in _compartments.Values)
        {
            compartment.Dispose();
        }
    }
}
