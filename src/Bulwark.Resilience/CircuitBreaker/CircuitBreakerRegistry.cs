using System.Diagnostics.Metrics;
using Bulwark.Resilience.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Resilience.CircuitBreaker;

/// <summary>
/// The process's named breakers, built on first use from <c>Bulwark:Resilience:CircuitBreakers:{name}</c>. One name,
/// one breaker: every pipeline and every caller (an admin endpoint isolating "payments", a page checking state) shares it.
/// </summary>
public sealed class CircuitBreakerRegistry
{
    private readonly NamedInstances<BulwarkCircuitBreaker> _breakers;

    /// <summary>Creates the registry.</summary>
    /// <param name="options">Named breaker settings.</param>
    /// <param name="timeProvider">The clock every breaker uses.</param>
    /// <param name="loggerFactory">Where breakers log.</param>
    /// <param name="meterFactory">Creates the breakers' meter; a process meter when <see langword="null"/>.</param>
    public CircuitBreakerRegistry(IOptionsMonitor<BulwarkCircuitBreakerOptions> options, TimeProvider timeProvider, ILoggerFactory loggerFactory, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var logger = loggerFactory.CreateLogger(typeof(BulwarkCircuitBreaker).FullName!);
        _breakers = new(name => new BulwarkCircuitBreaker(name, options.Get(name), timeProvider, logger, meterFactory));
    }

    /// <summary>The breaker called <paramref name="name"/>, created on first use.</summary>
    /// <param name="name">The breaker's name.</param>
    /// <returns>The shared breaker.</returns>
    public BulwarkCircuitBreaker Get(string name) => _breakers.Get(name);

    /// <summary>The breakers created so far.</summary>
    public IReadOnlyCollection<BulwarkCircuitBreaker> All => [.. _breakers.All];
}
