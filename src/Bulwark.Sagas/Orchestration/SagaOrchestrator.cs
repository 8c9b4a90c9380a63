using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Bulwark.Resilience.Retry;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace Bulwark.Sagas;

/// <summary>
/// Drives instances of one <see cref="SagaDefinition{TData}"/>: steps forward with per-step retry (Bulwark's retry:
/// Polly's, with capped exponential backoff and full jitter) and timeout from Polly, state saved after every step; on a failed step the completed steps
/// are compensated in reverse order; a compensation that keeps failing parks the instance for an operator.
/// Cancellation (host stopping) is not a failure: the instance stays where it is and <see cref="ResumeAllAsync"/>
/// continues it after a restart. An instance whose run died mid-way (a save that failed) is continued by
/// <see cref="ResumeStaleAsync"/>, which a <see cref="SagaSweeper{TData}"/> calls periodically; the orchestrator
/// knows which instances run in this process and never starts a second run of one.
/// </summary>
/// <typeparam name="TData">The saga's data.</typeparam>
public sealed partial class SagaOrchestrator<TData>
    where TData : class
{
    private static readonly SagaStatus[] Unfinished = [SagaStatus.Pending, SagaStatus.Compensating];

    private readonly SagaDefinition<TData> _definition;
    private readonly ISagaStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly JsonSerializerOptions _json;
    private readonly ResiliencePipeline[] _pipelines;
    private readonly ISagaStepInterceptor[] _interceptors;
    private readonly ConcurrentDictionary<Guid, byte> _running = new();

    /// <summary>Creates an orchestrator.</summary>
    /// <param name="definition">The steps.</param>
    /// <param name="store">Where instances are persisted.</param>
    /// <param name="timeProvider">The clock for backoff, timeouts and stamps.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="json">JSON options for the data; the web defaults when <see langword="null"/>.</param>
    /// <param name="interceptors">Fault injection for tests and drills (<see cref="ISagaStepInterceptor"/>); none in production.</param>
    public SagaOrchestrator(
        SagaDefinition<TData> definition,
        ISagaStore store,
        TimeProvider timeProvider,
        ILogger<SagaOrchestrator<TData>> logger,
        JsonSerializerOptions? json = null,
        IEnumerable<ISagaStepInterceptor>? interceptors = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.Steps.Count == 0)
        {
            throw new ArgumentException($"Saga '{definition.Name}' has no steps.", nameof(definition));
        }

        _definition = definition;
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _json = json ?? JsonSerializerOptions.Web;
        _pipelines = [.. definition.Steps.Select(step => BuildPipeline(step.Options, timeProvider))];
        _interceptors = [.. interceptors ?? []];
    }

    /// <summary>The saga type name.</summary>
    public string SagaType => _definition.Name;

    /// <summary>Persists a new instance as <see cref="SagaStatus.Pending"/> and runs it to a final status.</summary>
    /// <param name="sagaId">The instance id; starting the same id twice runs (or returns) the existing instance.</param>
    /// <param name="data">The saga's data.</param>
    /// <param name="cancellationToken">Stops the run (the instance then resumes after a restart).</param>
    /// <returns>The final state.</returns>
    public async Task<SagaState> StartAsync(Guid sagaId, TData data, CancellationToken cancellationToken)
    {
        await BeginAsync(sagaId, data, cancellationToken).ConfigureAwait(false);
        return await RunAsync(sagaId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Persists a new instance as <see cref="SagaStatus.Pending"/> without running it (run it with <see cref="RunAsync"/>),
    /// with the current span's W3C context and correlation id: the steps, run later, continue that trace.
    /// </summary>
    /// <param name="sagaId">The instance id.</param>
    /// <param name="data">The saga's data.</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    /// <returns><see langword="false"/> when the instance already existed.</returns>
    public Task<bool> BeginAsync(Guid sagaId, TData data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        return _store.InsertAsync(
            SagaTracing.Capture(new SagaState
            {
                SagaId = sagaId,
                SagaType = _definition.Name,
                Status = SagaStatus.Pending,
                CompletedSteps = 0,
                Data = JsonSerializer.Serialize(data, _json),
                Version = 1,
                UpdatedAt = _timeProvider.GetUtcNow(),
            }),
            cancellationToken);
    }

    /// <summary>Runs an instance from its persisted state to a final status.</summary>
    /// <param name="sagaId">The instance id.</param>
    /// <param name="cancellationToken">Stops the run between or inside steps; nothing is compensated for it.</param>
    /// <returns>The final state.</returns>
    /// <exception cref="SagaNotFoundException">No such instance.</exception>
    /// <exception cref="SagaConcurrencyException">Another runner advanced the instance at the same time, or this process already runs it.</exception>
    public async Task<SagaState> RunAsync(Guid sagaId, CancellationToken cancellationToken)
    {
        if (!_running.TryAdd(sagaId, 0))
        {
            // A sweep or a second caller met a live run of this process: one runner is enough.
            throw new SagaConcurrencyException(sagaId, -1);
        }

        try
        {
            return await RunRegisteredAsync(sagaId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _running.TryRemove(sagaId, out _);
        }
    }

    /// <summary>Whether this process is running the instance right now.</summary>
    /// <param name="sagaId">The instance id.</param>
    /// <returns><see langword="true"/> while a <see cref="RunAsync"/> of it is in progress here.</returns>
    public bool IsRunning(Guid sagaId) => _running.ContainsKey(sagaId);

    private async Task<SagaState> RunRegisteredAsync(Guid sagaId, CancellationToken cancellationToken)
    {
        var state = await _store.GetAsync(sagaId, cancellationToken).ConfigureAwait(false) ?? throw new SagaNotFoundException(sagaId);
        var data = ReadData(state);

        // What made this run happen (a consumer, a sweep inside a span): linked from each step, never its parent.
        var trigger = Activity.Current?.Context ?? default;

        // Every line logged while the saga runs, the steps' own included, carries the starter's correlation id.
        using var scope = state.CorrelationId is { } correlation
            ? _logger.BeginScope(new[] { new KeyValuePair<string, object?>(SagaTracing.CorrelationScopeKey, correlation) })
            : null;
        while (true)
        {
            switch (state.Status)
            {
                case SagaStatus.Pending when state.CompletedSteps >= _definition.Steps.Count:
                    state = await SaveAsync(state, data, s => s with { Status = SagaStatus.Confirmed }, cancellationToken).ConfigureAwait(false);
                    LogConfirmed(_logger, _definition.Name, sagaId);
                    return state;

                case SagaStatus.Pending:
                {
                    var index = state.CompletedSteps;
                    var step = _definition.Steps[index];
                    try
                    {
                        await RunStepAsync(index, step.Execute, data, state, step.Name, isCompensation: false, trigger, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                    {
                        LogStepFailed(_logger, e, _definition.Name, sagaId, step.Name);
                        state = await SaveAsync(
                            state,
                            data,
                            s => s with { Status = SagaStatus.Compensating, PendingCompensations = index, Error = $"{step.Name}: {e.Message}" },
                            cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    // Outside the step's failure handling: an interceptor stands for the process dying, not the step failing.
                    var done = new SagaStepEvent(_definition.Name, sagaId, step.Name, IsCompensation: false);
                    await SucceededAsync(done, cancellationToken).ConfigureAwait(false);
                    state = await SaveAsync(state, data, s => s with { CompletedSteps = index + 1 }, cancellationToken).ConfigureAwait(false);
                    await SavedAsync(done, cancellationToken).ConfigureAwait(false);
                    break;
                }

                case SagaStatus.Compensating when state.PendingCompensations == 0:
                    state = await SaveAsync(state, data, s => s with { Status = SagaStatus.Rejected }, cancellationToken).ConfigureAwait(false);
                    LogRejected(_logger, _definition.Name, sagaId, state.Error);
                    return state;

                case SagaStatus.Compensating:
                {
                    var index = state.PendingCompensations - 1;
                    var step = _definition.Steps[index];
                    var done = new SagaStepEvent(_definition.Name, sagaId, step.Name, IsCompensation: true);
                    if (step.Compensate is { } compensate)
                    {
                        try
                        {
                            await RunStepAsync(index, compensate, data, state, step.Name, isCompensation: true, trigger, cancellationToken).ConfigureAwait(false);
                        }
                        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                        {
                            // Retrying forever would hide the problem; a parked saga is visible and waits for a person.
                            LogParked(_logger, e, _definition.Name, sagaId, step.Name);
                            return await SaveAsync(
                                state,
                                data,
                                s => s with { Status = SagaStatus.Parked, Error = $"{s.Error}; compensation of {step.Name} failed: {e.Message}" },
                                cancellationToken).ConfigureAwait(false);
                        }

                        await SucceededAsync(done, cancellationToken).ConfigureAwait(false);
                    }

                    state = await SaveAsync(state, data, s => s with { PendingCompensations = index }, cancellationToken).ConfigureAwait(false);
                    await SavedAsync(done, cancellationToken).ConfigureAwait(false);
                    break;
                }

                default:
                    return state;
            }
        }
    }

    /// <summary>Continues every unfinished instance of this saga (call at start-up, after a crash).</summary>
    /// <param name="cancellationToken">Stops the runs.</param>
    /// <returns>The final states of the resumed instances.</returns>
    public async Task<IReadOnlyList<SagaState>> ResumeAllAsync(CancellationToken cancellationToken)
    {
        var unfinished = await _store.ListAsync(_definition.Name, Unfinished, cancellationToken).ConfigureAwait(false);
        var results = new List<SagaState>(unfinished.Count);
        foreach (var state in unfinished.Where(s => !IsRunning(s.SagaId)))
        {
            LogResuming(_logger, _definition.Name, state.SagaId, state.Status, state.CompletedSteps);
            results.Add(await RunAsync(state.SagaId, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>
    /// Continues, side by side, the unfinished instances that no run of this process drives and whose state has not
    /// changed for <paramref name="olderThan"/>: their run died (a save failed, an unexpected error). A run in another
    /// process loses the optimistic version check instead of applying a step twice over the same state.
    /// </summary>
    /// <param name="olderThan">How long an instance must have been still; keep it above a step's longest retry.</param>
    /// <param name="cancellationToken">Stops the runs.</param>
    /// <returns>The final states of the instances that reached one; a run that failed again waits for the next sweep.</returns>
    public async Task<IReadOnlyList<SagaState>> ResumeStaleAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        var cutoff = _timeProvider.GetUtcNow() - olderThan;
        var unfinished = await _store.ListAsync(_definition.Name, Unfinished, cancellationToken).ConfigureAwait(false);
        var stale = unfinished.Where(s => s.UpdatedAt <= cutoff && !IsRunning(s.SagaId)).ToList();
        var runs = await Task.WhenAll(stale.Select(async state =>
        {
            LogResuming(_logger, _definition.Name, state.SagaId, state.Status, state.CompletedSteps);
            try
            {
                return await RunAsync(state.SagaId, cancellationToken).ConfigureAwait(false);
            }
            catch (SagaConcurrencyException)
            {
                // Another runner took it between the list and the run.
                return null;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Decision: leave it unfinished for the next sweep rather than stop the other resumptions.
                LogResumeFailed(_logger, e, _definition.Name, state.SagaId);
                return null;
            }
        })).ConfigureAwait(false);
        return [.. runs.OfType<SagaState>()];
    }

    /// <summary>Reads an instance.</summary>
    /// <param name="sagaId">The instance id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The state, or <see langword="null"/>.</returns>
    public Task<SagaState?> GetAsync(Guid sagaId, CancellationToken cancellationToken) => _store.GetAsync(sagaId, cancellationToken);

    /// <summary>Deserializes an instance's data.</summary>
    /// <param name="state">The state.</param>
    /// <returns>The data.</returns>
    public TData ReadData(SagaState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return JsonSerializer.Deserialize<TData>(state.Data, _json) ?? throw new InvalidOperationException($"Saga {state.SagaId} has null data.");
    }

    // Async on purpose: the step's span becomes Activity.Current only inside this method, never in the run's loop.
    private async Task RunStepAsync(
        int index,
        Func<TData, SagaStepContext, Task> action,
        TData data,
        SagaState state,
        string stepName,
        bool isCompensation,
        ActivityContext trigger,
        CancellationToken cancellationToken)
    {
        using var activity = SagaTracing.StartStep(_definition.Name, state, stepName, isCompensation, trigger);
        var attempt = 0;
        try
        {
            await _pipelines[index].ExecuteAsync(
                async token =>
                {
                    attempt++;
                    await action(data, new SagaStepContext(state.SagaId, stepName, attempt, isCompensation, token)).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            SagaTracing.Finish(activity, attempt, e);
            throw;
        }

        SagaTracing.Finish(activity, attempt, failure: null);
    }

    private async ValueTask SucceededAsync(SagaStepEvent step, CancellationToken cancellationToken)
    {
        foreach (var interceptor in _interceptors)
        {
            await interceptor.StepSucceededAsync(step, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask SavedAsync(SagaStepEvent step, CancellationToken cancellationToken)
    {
        foreach (var interceptor in _interceptors)
        {
            await interceptor.StepSavedAsync(step, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<SagaState> SaveAsync(SagaState current, TData data, Func<SagaState, SagaState> change, CancellationToken cancellationToken)
    {
        var next = change(current) with
        {
            Data = JsonSerializer.Serialize(data, _json),
            Version = current.Version + 1,
            UpdatedAt = _timeProvider.GetUtcNow(),
        };

        // Saving is not cancelled with the run: a finished step's outcome must not be lost to a stop request.
        if (!await _store.UpdateAsync(next, current.Version, CancellationToken.None).ConfigureAwait(false))
        {
            throw new SagaConcurrencyException(current.SagaId, current.Version);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return next;
    }

    private static ResiliencePipeline BuildPipeline(SagaStepOptions options, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (options.MaxAttempts > 1)
        {
            builder.AddBulwarkRetry(new BulwarkRetryOptions
            {
                Name = "SagaStepRetry",
                MaxRetryAttempts = options.MaxAttempts - 1,
                BaseDelay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                Jitter = BackoffJitter.Full,
                AttemptTimeout = options.Timeout,
                // Every failure but the run's own cancellation is worth another attempt: a step decides what is final by
                // compensating, not by the exception's type.
                ShouldRetryException = static e => e is not OperationCanceledException,
                // A dependency that said when to come back is waited for (capped by MaxDelay); otherwise the backoff.
                RetryAfter = (outcome, _) =>
                    outcome.Exception is SagaStepRetryLaterException { RetryAfter: var wait } && wait > TimeSpan.Zero
                        ? (wait < options.MaxDelay ? wait : options.MaxDelay)
                        : null,
            });
        }

        return builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.Timeout }).Build();
    }
}

/// <summary>No saga instance has the requested id.</summary>
public sealed class SagaNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="sagaId">The id.</param>
    public SagaNotFoundException(Guid sagaId)
        : base($"Saga instance {sagaId} does not exist.")
    {
        SagaId = sagaId;
    }

    /// <summary>Creates the exception.</summary>
    public SagaNotFoundException()
        : this(Guid.Empty)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SagaNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The id.</summary>
    public Guid SagaId { get; }
}

/// <summary>Two runners advanced the same saga instance; this one stopped so the step is not applied twice.</summary>
public sealed class SagaConcurrencyException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="sagaId">The instance.</param>
    /// <param name="expectedVersion">The version this runner read.</param>
    public SagaConcurrencyException(Guid sagaId, long expectedVersion)
        : base($"Saga instance {sagaId} changed after version {expectedVersion}; another runner is driving it.")
    {
        SagaId = sagaId;
        ExpectedVersion = expectedVersion;
    }

    /// <summary>Creates the exception.</summary>
    public SagaConcurrencyException()
        : this(Guid.Empty, 0)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SagaConcurrencyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The instance.</summary>
    public Guid SagaId { get; }

    /// <summary>The version this runner read.</summary>
    public long ExpectedVersion { get; }
}
