using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using Bulwark.Resilience.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bulwark.Resilience.Bulkhead;

/// <summary>
/// One named bulkhead compartment: its own concurrency and queue limit on a
/// <see cref="ConcurrencyLimiter"/>, so saturating it never takes slots from another compartment.
/// </summary>
/// <remarks>See docs/resilience.md#bulkhead.</remarks>
public sealed partial class BulkheadCompartment : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;
    private readonly ILogger _logger;
    private readonly ResilienceInstruments _instruments;
    private readonly KeyValuePair<string, object?> _nameTag;

    /// <summary>Creates a compartment.</summary>
    /// <param name="name">The compartment's name, used in refusals, logs and metrics.</param>
    /// <param name="options">Its limits; read once.</param>
    /// <param name="logger">Where refusals are logged (at debug: under overload they are the expected path).</param>
    /// <param name="meterFactory">Creates the <c>Bulwark.Resilience</c> meter; a process meter when <see langword="null"/>.</param>
    /// <exception cref="ValidationException"><paramref name="options"/> are out of range.</exception>
    public BulkheadCompartment(string name, BulkheadOptions options, ILogger? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        Name = name;
        Options = options;
        _logger = logger ?? NullLogger.Instance;
        _nameTag = new("bulwark.bulkhead", name);
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConcurrency,
            QueueLimit = options.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _instruments = ResilienceInstruments.For(meterFactory);
        _instruments.Track(this);
    }

    /// <summary>The compartment's name.</summary>
    public string Name { get; }

    /// <summary>Its limits.</summary>
    public BulkheadOptions Options { get; }

    /// <summary>Calls running now.</summary>
    public long InUseCount => Options.MaxConcurrency - _limiter.GetStatistics()!.CurrentAvailablePermits;

    /// <summary>Calls waiting now.</summary>
    public long QueuedCount => _limiter.GetStatistics()!.CurrentQueuedCount;

    /// <summary>A new refusal for one refused call. Never a shared instance: each rethrow of a shared exception adds
    /// a stack trace to it, and its log lines grow without bound.</summary>
    internal BulkheadRejectedException NewRejection() => new(Name, Options.RetryAfter);

    /// <summary>
    /// Takes a slot, waiting in the queue if there is room in it. A lease that is not acquired means the compartment is
    /// full; the refusal is already counted and logged.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The lease; dispose it when the call ends.</returns>
    public async ValueTask<RateLimitLease> AcquireAsync(CancellationToken cancellationToken)
    {
        var lease = _limiter.AttemptAcquire(1);
        if (lease.IsAcquired)
        {
            return lease;
        }

        if (Options.QueueLimit > 0)
        {
            lease.Dispose();
            lease = await _limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
            if (lease.IsAcquired)
            {
                return lease;
            }
        }

        _instruments.BulkheadRejections.Add(1, _nameTag);
        LogRejected(_logger, Name, Options.MaxConcurrency, Options.QueueLimit);
        return lease;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _instruments.Forget(this);
        _limiter.Dispose();
    }
}
