using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Bulwark.Resilience.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.CircuitBreaker;

namespace Bulwark.Resilience.CircuitBreaker;

/// <summary>
/// A named circuit breaker state machine (closed, open, half-open, isolated) with consecutive-failure and
/// failure-ratio modes. Use it through a Polly pipeline (<see cref="CircuitBreakerBuilderExtensions"/>) or directly.
/// </summary>
/// <remarks>
/// Every refusal is a fresh, never-thrown exception: a shared instance would collect one more stack trace each time
/// a caller rethrew it, and its log lines would grow without bound. They are Polly's own
/// <see cref="BrokenCircuitException"/> (with the time actually left of the break as <c>RetryAfter</c>) and
/// <see cref="IsolatedCircuitException"/>, so Polly fallbacks and Microsoft.Extensions.Http.Resilience recognise
/// them. See docs/resilience.md#circuit-breaker.
/// </remarks>
public sealed partial class BulwarkCircuitBreaker
{
    private readonly Lock _lock = new();
    private readonly BulwarkCircuitBreakerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ResilienceInstruments _instruments;
    private readonly FailureWindow? _window;
    private readonly KeyValuePair<string, object?> _nameTag;
    private readonly string _openMessage;
    private readonly string _isolatedMessage;

    private volatile CircuitState _state;
    private long _generation;
    private int _consecutiveFailures;
    private int _probesAdmitted;
    private int _probeSuccesses;
    private DateTimeOffset _openUntil;

    /// <summary>Creates a breaker.</summary>
    /// <param name="name">The breaker's name, used in logs, metrics and refusals.</param>
    /// <param name="options">Its settings; they are read once.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Where state changes are logged.</param>
    /// <param name="meterFactory">Creates the <c>Bulwark.Resilience</c> meter; a process meter when <see langword="null"/>.</param>
    /// <exception cref="ValidationException"><paramref name="options"/> are out of range.</exception>
    public BulwarkCircuitBreaker(string name, BulwarkCircuitBreakerOptions options, TimeProvider? timeProvider = null, ILogger? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        Name = name;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _nameTag = new("bulwark.breaker", name);
        _openMessage = $"Circuit '{name}' is open.";
        _isolatedMessage = $"Circuit '{name}' is isolated.";
        _window = options.Mode == CircuitBreakerMode.FailureRatio ? new FailureWindow(options.SamplingDuration) : null;
        _instruments = ResilienceInstruments.For(meterFactory);
        _instruments.Track(this);
    }

    /// <summary>The breaker's name.</summary>
    public string Name { get; }

    /// <summary>The settings the breaker was built with.</summary>
    public BulwarkCircuitBreakerOptions Options => _options;

    /// <summary>The current state. An open breaker whose break has elapsed still reads open until the next call.</summary>
    public CircuitState State => _state;

    /// <summary>Raised after every state change, outside the breaker's lock.</summary>
    public event EventHandler<CircuitStateChangedEventArgs>? StateChanged;

    /// <summary>Asks to call through. Never throws; a refusal comes back as <paramref name="rejection"/>.</summary>
    /// <param name="permit">Hand it to <see cref="Complete"/> or <see cref="Abandon"/> when the call ends.</param>
    /// <param name="rejection">A new refusal when the call is not admitted.</param>
    /// <returns><see langword="true"/> when the call may go ahead.</returns>
    public bool TryEnter(out CircuitPermit permit, [NotNullWhen(false)] out Exception? rejection)
    {
        // The closed hot path takes no lock: a stale read is harmless because the permit's generation
        // makes its outcome count only against the state it was admitted in.
        if (_state == CircuitState.Closed)
        {
            permit = new CircuitPermit(Volatile.Read(ref _generation), false);
            rejection = null;
            return true;
        }

        (CircuitState From, CircuitState To)? change = null;
        var refusedIn = CircuitState.Closed;
        var retryAfter = TimeSpan.Zero;
        lock (_lock)
        {
            var now = _timeProvider.GetUtcNow();
            if (_state == CircuitState.Open && now >= _openUntil)
            {
                change = MoveTo(CircuitState.HalfOpen);
                _openUntil = now + _options.BreakDuration;
            }
            else if (_state == CircuitState.HalfOpen && now >= _openUntil)
            {
                // Probes that never reported back (hung, or lost) would otherwise hold the breaker half-open for good:
                // after another break duration, a fresh generation of probes is admitted.
                Interlocked.Increment(ref _generation);
                _probesAdmitted = 0;
                _probeSuccesses = 0;
                _openUntil = now + _options.BreakDuration;
            }

            switch (_state)
            {
                case CircuitState.Closed:
                    permit = new CircuitPermit(_generation, false);
                    break;
                case CircuitState.HalfOpen when _probesAdmitted < _options.HalfOpenProbes:
                    _probesAdmitted++;
                    permit = new CircuitPermit(_generation, true);
                    break;
                default:
                    permit = default;
                    refusedIn = _state;
                    retryAfter = _openUntil > now ? _openUntil - now : TimeSpan.Zero;
                    break;
            }
        }

        Raise(change);
        if (refusedIn != CircuitState.Closed)
        {
            // Built outside the lock; the message is constant per breaker state, so a refusal costs one small object.
            rejection = refusedIn == CircuitState.Isolated
                ? new IsolatedCircuitException(_isolatedMessage)
                : new BrokenCircuitException(_openMessage, retryAfter);
            _instruments.BreakerRejections.Add(1, _nameTag);
            return false;
        }

        rejection = null;

        return true;
    }

    /// <summary>Reports how an admitted call ended.</summary>
    /// <param name="permit">The permit <see cref="TryEnter"/> gave.</param>
    /// <param name="failed">Whether the call failed.</param>
    public void Complete(CircuitPermit permit, bool failed)
    {
        if (permit.Generation != Volatile.Read(ref _generation))
        {
            return;
        }

        // In consecutive mode a success with no failures pending changes nothing, so it skips the lock.
        if (!failed && !permit.IsProbe && _window is null && Volatile.Read(ref _consecutiveFailures) == 0)
        {
            return;
        }

        (CircuitState From, CircuitState To)? change = null;
        lock (_lock)
        {
            if (permit.Generation != _generation)
            {
                return;
            }

            if (_state == CircuitState.Closed)
            {
                change = failed || _window is not null ? CountInClosed(failed) : ResetConsecutive();
            }
            else if (_state == CircuitState.HalfOpen && permit.IsProbe)
            {
                if (failed)
                {
                    change = Trip();
                }
                else if (++_probeSuccesses >= _options.HalfOpenProbes)
                {
                    change = MoveTo(CircuitState.Closed);
                }
            }
        }

        Raise(change);
    }

    /// <summary>Reports that an admitted call was cancelled by its caller: it says nothing about the dependency.</summary>
    /// <param name="permit">The permit <see cref="TryEnter"/> gave.</param>
    public void Abandon(CircuitPermit permit)
    {
        if (!permit.IsProbe)
        {
            return;
        }

        lock (_lock)
        {
            // The probe slot goes back so that another caller can test the dependency.
            if (permit.Generation == _generation && _state == CircuitState.HalfOpen && _probesAdmitted > 0)
            {
                _probesAdmitted--;
            }
        }
    }

    /// <summary>Holds the breaker open until <see cref="Reset"/>, for example while a dependency is under maintenance.</summary>
    public void Isolate()
    {
        (CircuitState From, CircuitState To)? change;
        lock (_lock)
        {
            change = MoveTo(CircuitState.Isolated);
        }

        Raise(change);
    }

    /// <summary>Closes the breaker and forgets its counts.</summary>
    public void Reset()
    {
        (CircuitState From, CircuitState To)? change;
        lock (_lock)
        {
            change = MoveTo(CircuitState.Closed);
        }

        Raise(change);
    }

    private (CircuitState, CircuitState)? CountInClosed(bool failed)
    {
        if (_window is not null)
        {
            _window.Record(_timeProvider.GetUtcNow().UtcTicks, failed, out var total, out var failures);
            return failed && total >= _options.MinimumThroughput && failures >= _options.FailureRatio * total ? Trip() : null;
        }

        return ++_consecutiveFailures >= _options.FailureThreshold ? Trip() : null;
    }

    private (CircuitState, CircuitState)? ResetConsecutive()
    {
        _consecutiveFailures = 0;
        return null;
    }

    private (CircuitState, CircuitState)? Trip()
    {
        _openUntil = _timeProvider.GetUtcNow() + _options.BreakDuration;
        return MoveTo(CircuitState.Open);
    }

    private (CircuitState, CircuitState)? MoveTo(CircuitState next)
    {
        var previous = _state;
        _consecutiveFailures = 0;
        _probesAdmitted = 0;
        _probeSuccesses = 0;
        _window?.Clear();
        Interlocked.Increment(ref _generation);
        _state = next;
        return previous == next ? null : (previous, next);
    }

    private void Raise((CircuitState From, CircuitState To)? change)
    {
        if (change is not { } c)
        {
            return;
        }

        _instruments.BreakerTransitions.Add(1, _nameTag, new("bulwark.breaker.state", StateName(c.To)));
        if (c.To is CircuitState.Open or CircuitState.Isolated)
        {
            LogOpened(_logger, Name, c.From, c.To, _options.BreakDuration);
        }
        else
        {
            LogStateChanged(_logger, Name, c.From, c.To);
        }

        StateChanged?.Invoke(this, new CircuitStateChangedEventArgs(Name, c.From, c.To));
    }

    private static string StateName(CircuitState state) => state switch
    {
        CircuitState.Closed => "closed",
        CircuitState.Open => "open",
        CircuitState.HalfOpen => "half-open",
        _ => "isolated",
    };
}
