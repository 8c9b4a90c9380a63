using System.Diagnostics.Metrics;
using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Bulwark.Resilience.Retry;

/// <summary>Shared retry budgets by name (one per downstream dependency), from <c>Bulwark:Resilience:RetryBudgets:{name}</c>.</summary>
public sealed class RetryBudgetRegistry
{
    private readonly ConcurrentDictionary<string, RetryBudget> _budgets = new(StringComparer.Ordinal);
    private readonly IOptionsMonitor<RetryBudgetOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly IMeterFactory? _meterFactory;

    /// <summary>Creates the registry.</summary>
    /// <param name="options">Named budget settings.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="meterFactory">Creates the budgets' meter; a process meter when <see langword="null"/>.</param>
    public RetryBudgetRegistry(IOptionsMonitor<RetryBudgetOptions> options, TimeProvider timeProvider, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _timeProvider = timeProvider;
        _meterFactory = meterFactory;
    }

    /// <summary>The budget called <paramref name="name"/>, created on first use.</summary>
    /// <param name="name">The budget's name.</param>
    /// <returns>The shared budget.</returns>
    public RetryBudget Get(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return _budgets.GetOrAdd(name, static (n, self) => new RetryBudget(n, self._options.Get(n), self._timeProvider, self._meterFactory), this);
    }
}
