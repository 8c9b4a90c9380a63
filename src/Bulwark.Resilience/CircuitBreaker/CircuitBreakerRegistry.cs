using System.Diagnostics.Metrics;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Resilience.CircuitBreaker;

/// <summary>
/// The process's named breakers, built on first use from <c>Bulwark:Resilience:CircuitBreakers:{name}</c>. One name,
/// one breaker: every pipeline and every caller (an admin endpoint isolating "payments", a page checking state) shares it.
/// </summary>
public sealed class CircuitBreakerRegistry
{
    private readonly ConcurrentDictionary<string, BulwarkCircuitBreaker> _breakers = new(StringComparer.Ordinal);
    private readonly IOptionsMonitor<BulwarkCircuitBreakerOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IMeterFactory? _meterFactory;

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
        _options = options;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger(typeof(BulwarkCircuitBreaker).FullName!);
        _meterFactory = meterFactory;
    }

    /// <summary>The breaker called <paramref name="name"/>, created on first use.</summary>
    /// <param name="name">The breaker's name.</param>
    /// <returns>The shared breaker.</returns>
    public BulwarkCircuitBreaker Get(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return _breakers.GetOrAdd(name, static (n, self) => new BulwarkCircuitBreaker(n, self._options.Get(n), self._timeProvider, self._logger, self._meterFactory), this);
    }

    /// <summary>The breakers created so far.</summary>
    public IReadOnlyCollection<BulwarkCircuitBreaker> All => [.. _breakers.Values];
}
