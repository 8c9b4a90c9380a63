using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.EventSourcing;

/// <summary>
/// Feeds one <see cref="IProjection"/> from the global event log, saving a checkpoint after every batch, and lets
/// a writer wait until its own events are visible in the read model (read-your-own-writes). With an
/// <see cref="IProjectionLease"/> (several processes on one event log) only the lease holder applies events; the
/// others follow its checkpoint, so their read-your-own-writes waits still end, and take over when it dies.
/// </summary>
public sealed partial class ProjectionRunner : BackgroundService
{
    private readonly IEventStore _events;
    private readonly EventSerializer _serializer;
    private readonly ICheckpointStore _checkpoints;
    private readonly IProjection _projection;
    private readonly ProjectionRunnerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IProjectionLease? _lease;
    // Never disposed: a host disposed without being stopped first (WebApplication.DisposeAsync, as test hosts do) disposes
    // this runner while its loop may still wait here, and a disposed semaphore would throw and be logged as a failed
    // batch. A SemaphoreSlim whose wait handle is never asked for holds nothing to release.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _waitersLock = new();
    private readonly List<(long Position, TaskCompletionSource Done)> _waiters = [];
    // Released by a new read-your-own-writes waiter to cut the loop's wait short (at most one pending). Never disposed,
    // for the reason the gate is not.
    private readonly SemaphoreSlim _wake = new(0, 1);
    private long _position = -1;
    private long _lag;
    private volatile bool _following;

    /// <summary>Creates a runner.</summary>
    /// <param name="events">The event store.</param>
    /// <param name="serializer">Deserializes events for the projection.</param>
    /// <param name="checkpoints">Where the position is kept.</param>
    /// <param name="projection">The projection.</param>
    /// <param name="options">Batch size and polling.</param>
    /// <param name="timeProvider">The clock for polling.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="lease">Who writes when several processes share the log; <see langword="null"/>: this process always does.</param>
    public ProjectionRunner(
        IEventStore events,
        EventSerializer serializer,
        ICheckpointStore checkpoints,
        IProjection projection,
        IOptions<ProjectionRunnerOptions> options,
        TimeProvider timeProvider,
        ILogger<ProjectionRunner> logger,
        IProjectionLease? lease = null)
    {
        _events = events ?? throw new ArgumentNullException(nameof(events));
        _serializer = serializer ?? throw new ArgumentNullException(nameof(serializer));
        _checkpoints = checkpoints ?? throw new ArgumentNullException(nameof(checkpoints));
        _projection = projection ?? throw new ArgumentNullException(nameof(projection));
        _options = options?.Value ?? throw new ArgumentNullException(nameof(options));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _lease = lease;
    }

    /// <summary>The name of the projection this runner feeds (its checkpoint key).</summary>
    public string ProjectionName => _projection.Name;

    /// <summary>The position the read model has reached (-1 before the first batch).</summary>
    public long Position => Interlocked.Read(ref _position);

    /// <summary>
    /// How many events of the log the read model had not applied when last measured by the background loop: zero after a
    /// batch that reached the head, otherwise the head position minus <see cref="Position"/> (after a full batch or a failed one).
    /// </summary>
    public long Lag => Interlocked.Read(ref _lag);

    /// <summary>
    /// Whether this process applied the last batch; <see langword="false"/> while another process holds the
    /// projection's lease and this one follows its checkpoint.
    /// </summary>
    public bool IsWriter => !_following;

    /// <summary>
    /// Applies the next batch of events; a process that is not the projection's writer reads the writer's checkpoint
    /// instead (and applies nothing).
    /// </summary>
    /// <param name="cancellationToken">Cancels the batch; the checkpoint then stays at the last saved batch.</param>
    /// <returns>How many events were applied.</returns>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!await HoldLeaseAsync(cancellationToken).ConfigureAwait(false))
            {
                // Another process writes: its checkpoint is where the shared read model is.
                var written = await _checkpoints.GetCheckpointAsync(_projection.Name, cancellationToken).ConfigureAwait(false);
                Advance(written);
                return 0;
            }

            var from = await _checkpoints.GetCheckpointAsync(_projection.Name, cancellationToken).ConfigureAwait(false);
            var batch = await _events.ReadAllAsync(from, _options.BatchSize, cancellationToken).ConfigureAwait(false);
            foreach (var recorded in batch)
            {
                var @event = await _serializer.DeserializeAsync(recorded, cancellationToken).ConfigureAwait(false);
                await _projection.ApplyAsync(recorded, @event, cancellationToken).ConfigureAwait(false);
            }

            var reached = batch.Count > 0 ? batch[^1].Position : from;
            if (batch.Count > 0)
            {
                await _checkpoints.SaveCheckpointAsync(_projection.Name, reached, cancellationToken).ConfigureAwait(false);
            }

            Advance(reached);
            return batch.Count;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Applies batches until the read model has caught up with the head of the log.</summary>
    /// <param name="cancellationToken">Cancels the catch-up.</param>
    /// <returns>A task that completes at the head.</returns>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        while (await RunOnceAsync(cancellationToken).ConfigureAwait(false) > 0)
        {
        }
    }

    /// <summary>
    /// Replays the whole log from position 0: into a shadow swapped in at the end when the projection is an
    /// <see cref="IShadowRebuildProjection"/> (readers keep the whole read model), otherwise by emptying the read model first.
    /// </summary>
    /// <param name="cancellationToken">Cancels the rebuild (the next run continues from the last saved batch).</param>
    /// <returns>A task that completes when the rebuilt read model has caught up.</returns>
    public async Task RebuildAsync(CancellationToken cancellationToken)
    {
        if (_projection is IShadowRebuildProjection shadow)
        {
            await RebuildBesideAsync(shadow, cancellationToken).ConfigureAwait(false);
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RequireLeaseAsync(cancellationToken).ConfigureAwait(false);
            LogRebuilding(_logger, _projection.Name);
            await _projection.ResetAsync(cancellationToken).ConfigureAwait(false);
            await _checkpoints.SaveCheckpointAsync(_projection.Name, 0, cancellationToken).ConfigureAwait(false);
            Interlocked.Exchange(ref _position, 0);
        }
        finally
        {
            _gate.Release();
        }

        await CatchUpAsync(cancellationToken).ConfigureAwait(false);
    }

    // Replays the whole log into the shadow while the live read model keeps answering (it only stops moving: the gate
    // holds the live batches back), then swaps and moves the checkpoint. A crash between the swap and the checkpoint
    // re-applies the events after the old checkpoint to the swapped model, which idempotent projections ignore.
    private async Task RebuildBesideAsync(IShadowRebuildProjection shadow, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RequireLeaseAsync(cancellationToken).ConfigureAwait(false);
            LogRebuildingBeside(_logger, _projection.Name);
            await shadow.BeginShadowAsync(cancellationToken).ConfigureAwait(false);
            var reached = 0L;
            while (true)
            {
                var batch = await _events.ReadAllAsync(reached, _options.BatchSize, cancellationToken).ConfigureAwait(false);
                if (batch.Count == 0)
                {
                    break;
                }

                foreach (var recorded in batch)
                {
                    var @event = await _serializer.DeserializeAsync(recorded, cancellationToken).ConfigureAwait(false);
                    await shadow.ApplyToShadowAsync(recorded, @event, cancellationToken).ConfigureAwait(false);
                }

                reached = batch[^1].Position;
            }

            await shadow.SwapShadowAsync(cancellationToken).ConfigureAwait(false);
            await _checkpoints.SaveCheckpointAsync(_projection.Name, reached, cancellationToken).ConfigureAwait(false);
            Advance(reached);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Waits until the read model includes the event at <paramref name="position"/> (e.g. from
    /// <see cref="AppendResult.LastPosition"/>), so a client reads its own write. Bound it with the request's deadline.
    /// </summary>
    /// <param name="position">The position to wait for.</param>
    /// <param name="cancellationToken">The deadline; cancellation throws <see cref="OperationCanceledException"/>.</param>
    /// <returns>A task that completes once the position is projected.</returns>
    public Task WaitForPositionAsync(long position, CancellationToken cancellationToken)
    {
        if (Position >= position)
        {
            return Task.CompletedTask;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waitersLock)
        {
            if (Position >= position)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((position, done));
        }

        // The waiter's event is in the log already (it was appended before anyone waits for it): poll now rather than
        // at the end of the interval. A follower re-reads the writer's checkpoint; the writer's own poll is not hurried.
        Wake();
        return done.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                var applied = await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                if (_following)
                {
                    // The writer's lag is the read model's lag; every instance reports it, so the alert survives the writer.
                    await MeasureLagAsync(stoppingToken).ConfigureAwait(false);
                    wait = _options.PollInterval;
                }
                else if (applied < _options.BatchSize)
                {
                    // A short batch read everything there was: caught up, without asking the store for its head.
                    Interlocked.Exchange(ref _lag, 0);
                    wait = _options.PollInterval;
                }
                else
                {
                    await MeasureLagAsync(stoppingToken).ConfigureAwait(false);
                    wait = TimeSpan.Zero;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                await ReleaseLeaseAsync().ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The checkpoint did not move, so the failed batch is retried; a poison event stops this projection only,
                // and its lag grows with every event appended meanwhile: that is what the projection-lag alert watches.
                LogBatchFailed(_logger, e, _projection.Name);
                wait = _options.FailureBackoff;
                await TryMeasureLagAsync(stoppingToken).ConfigureAwait(false);
            }

            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await WaitForNextPollAsync(wait, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    await ReleaseLeaseAsync().ConfigureAwait(false);
                    return;
                }
            }
        }

        await ReleaseLeaseAsync().ConfigureAwait(false);
    }

    // The poll interval, or less when a read-your-own-writes waiter arrives meanwhile (or arrived during the last batch).
    private async Task WaitForNextPollAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var woken = _wake.WaitAsync(waiting.Token);
        var elapsed = Task.Delay(wait, _timeProvider, waiting.Token);
        var first = await Task.WhenAny(woken, elapsed).ConfigureAwait(false);
        await waiting.CancelAsync().ConfigureAwait(false);
        // Throws when the host stops; the other task ends cancelled (a wake taken at the same moment only means the
        // next poll, which comes now anyway).
        await first.ConfigureAwait(false);
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A wake is already pending: the next poll serves this waiter too.
        }
    }

    // Under the gate. Without a lease this process is the only writer.
    private async ValueTask<bool> HoldLeaseAsync(CancellationToken cancellationToken)
    {
        if (_lease is null)
        {
            return true;
        }

        var holds = await _lease.TryHoldAsync(_projection.Name, cancellationToken).ConfigureAwait(false);
        _following = !holds;
        return holds;
    }

    private async ValueTask RequireLeaseAsync(CancellationToken cancellationToken)
    {
        if (!await HoldLeaseAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new ProjectionLeaseHeldException(_projection.Name, "another process is its writer; rebuild it there (or stop that process and retry here)");
        }
    }

    // A stopping writer hands over now rather than when its connection closes.
    private async ValueTask ReleaseLeaseAsync()
    {
        if (_lease is not null)
        {
            await _lease.ReleaseAsync(_projection.Name).ConfigureAwait(false);
        }
    }

    private async Task MeasureLagAsync(CancellationToken cancellationToken)
    {
        var head = await _events.GetHeadPositionAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _lag, Math.Max(0, head - Math.Max(0, Position)));
    }

    private async Task TryMeasureLagAsync(CancellationToken cancellationToken)
    {
        try
        {
            await MeasureLagAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The store itself is failing: the gauge keeps its last value and the batch error is already logged.
            LogLagUnknown(_logger, e, _projection.Name);
        }
    }

    private void Advance(long reached)
    {
        // Never backwards: a follower may read a checkpoint older than a batch it saw before a fail-over.
        if (reached < Interlocked.Read(ref _position))
        {
            return;
        }

        Interlocked.Exchange(ref _position, reached);
        lock (_waitersLock)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Position <= reached)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    [LoggerMessage(EventId = 1700, Level = LogLevel.Information, Message = "Rebuilding projection {Projection} from position 0")]
    private static partial void LogRebuilding(ILogger logger, string projection);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Information, Message = "Rebuilding projection {Projection} from position 0 beside the live read model")]
    private static partial void LogRebuildingBeside(ILogger logger, string projection);

    [LoggerMessage(EventId = 1703, Level = LogLevel.Debug, Message = "Projection {Projection} could not read the head of the log to measure its lag")]
    private static partial void LogLagUnknown(ILogger logger, Exception exception, string projection);

    [LoggerMessage(EventId = 1701, Level = LogLevel.Error, Message = "Projection {Projection} failed a batch; retrying after the backoff")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, string projection);
}
