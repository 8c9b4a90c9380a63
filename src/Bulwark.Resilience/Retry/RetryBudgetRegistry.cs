using System.Diagnostics.Metrics;
using Bulwark.Resilience.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bulwark.Resilience.Retry;

/// <summary>Shared retry budgets by name (one per downstream dependency), from <c>Bulwark:Resilience:RetryBudgets:{name}</c>.</summary>
public sealed class RetryBudgetRegistry
{
    private readonly NamedInstances<RetryBudget> _budgets;

    /// <summary>Creates the registry.</summary>
    /// <param name="options">Named budget settings.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="meterFactory">Creates the budgets' meter; a process meter when <see langword="null"/>.</param>
    public RetryBudgetRegistry(IOptionsMonitor<RetryBudgetOptions> options, TimeProvider timeProvider, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _budgets = new(name => new RetryBudget(name, options.Get(name), timeProvider, meterFactory));
    }

    /// <summary>The budget called <paramref name="name"/>, created on first use.</summary>
    /// <param name="name">The budget's name.</param>
    /// <returns>The shared budget.</returns>
    public RetryBudget Get(string name) => _budgets.Get(name);
}
