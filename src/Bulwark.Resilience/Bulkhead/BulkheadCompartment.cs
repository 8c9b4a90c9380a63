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
    // Built once: a tag made per call would box its bool on every admission (24 B a call on the success path).
    private static readonly KeyValuePair<string, object?> QueuedTag = new("bulwark.bulkhead.queued", true);
    private static readonly KeyValuePair<string, object?> NotQueuedTag = new("bulwark.bulkhead.queued", false);
    private readonly KeyValuePair<string, object?> _nameTag;
    private readonly TimeProvider _timeProvider;

    // Shedding state, for one log line per change instead of one per refusal: 1 while refusing, the refusals of the
    // current episode, and when the last refusal happened.
    private int _shedding;
    private long _refusedInEpisode;
    private long _lastRefusal;

    /// <summary>Creates a compartment.</summary>
    /// <param name="name">The compartment's name, used in refusals, logs and metrics.</param>
    /// <param name="options">Its limits; read once.</param>
    /// <param name="logger">Where refusals are logged (at debug: under overload they are the expected path).</param>
    /// <param name="meterFactory">Creates the <c>Bulwark.Resilience</c> meter; a process meter when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for bounded queue waits and the shedding state; the system clock when <see langword="null"/>.</param>
    /// <exception cref="ValidationException"><paramref name="options"/> are out of range.</exception>
    public BulkheadCompartment(string name, BulkheadOptions options, ILogger? logger = null, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        Name = name;
        Options = options;
        _logger = logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
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

    /// <summary>Whether the compartment is refusing calls now: from its first refusal until a call finds a free slot
    /// without waiting, at least <see cref="BulkheadOptions.RetryAfter"/> after the last refusal.</summary>
    public bool IsShedding => Volatile.Read(ref _shedding) == 1;

    /// <summary>
    /// Takes a slot, waiting in the queue if there is room in it. A lease that is not acquired means the compartment is
    /// full; the refusal is already counted and logged.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The lease; dispose it when the call ends.</returns>
    public ValueTask<RateLimitLease> AcquireAsync(CancellationToken cancellationToken) =>
        AcquireAsync(Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>
    /// Takes a slot, waiting in the queue (if there is room in it) for at most <paramref name="maxWait"/>: a call that
    /// would wait longer is refused like one that finds the queue full, so a caller with a deadline gets a refusal it
    /// can retry instead of a timeout. A lease that is not acquired is a refusal, already counted and logged.
    /// </summary>
    /// <param name="maxWait">The longest wait in the queue; <see cref="Timeout.InfiniteTimeSpan"/> for no bound, zero or less for none.</param>
    /// <param name="cancellationToken">Stops waiting (throws; a caller's cancellation is not a refusal).</param>
    /// <returns>The lease; dispose it when the call ends.</returns>
    public async ValueTask<RateLimitLease> AcquireAsync(TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var attempt = _limiter.AttemptAcquire(1);
        if (attempt.IsAcquired)
        {
            Admitted(queued: false);
            return attempt;
        }

        if (Options.QueueLimit > 0 && (maxWait == Timeout.InfiniteTimeSpan || maxWait > TimeSpan.Zero))
        {
            using var bound = maxWait == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(maxWait, _timeProvider);
            using var linked = bound is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bound.Token);
            try
            {
                var queued = await _limiter.AcquireAsync(1, linked?.Token ?? cancellationToken).ConfigureAwait(false);
                if (queued.IsAcquired)
                {
                    attempt.Dispose();
                    Admitted(queued: true);
                    return queued;
                }

                queued.Dispose();
            }
            catch (OperationCanceledException) when (bound is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
            {
                // Waited as long as allowed: the same refusal as a full queue.
            }
        }

        Refused();
        return attempt;
    }

    private void Admitted(bool queued)
    {
        _instruments.BulkheadAdmissions.Add(1, _nameTag, queued ? QueuedTag : NotQueuedTag);
        // Room without waiting, a whole retry-after since the last refusal: the overload is over.
        if (!queued && Volatile.Read(ref _shedding) == 1
            && _timeProvider.GetElapsedTime(Interlocked.Read(ref _lastRefusal)) >= Options.RetryAfter
            && Interlocked.Exchange(ref _shedding, 0) == 1)
        {
            var refused = Interlocked.Exchange(ref _refusedInEpisode, 0);
            LogSheddingStopped(_logger, Name, refused);
        }
    }

    private void Refused()
    {
        _instruments.BulkheadRejections.Add(1, _nameTag);
        Interlocked.Exchange(ref _lastRefusal, _timeProvider.GetTimestamp());
        Interlocked.Increment(ref _refusedInEpisode);
        if (Interlocked.Exchange(ref _shedding, 1) == 0)
        {
            LogSheddingStarted(_logger, Name, Options.MaxConcurrency, Options.QueueLimit);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _instruments.Forget(this);
        _limiter.Dispose();
    }
}
