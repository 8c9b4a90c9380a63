namespace Bulwark.Sagas;

/// <summary>Persists saga instances after every step, so a restarted process resumes them where they stopped.</summary>
public interface ISagaStore
{
    /// <summary>Inserts a new saga instance.</summary>
    /// <param name="state">The state (version 1).</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    /// <returns><see langword="false"/> when an instance with this id already exists (a duplicate start).</returns>
    Task<bool> InsertAsync(SagaState state, CancellationToken cancellationToken);

    /// <summary>Replaces the state if it is still at <paramref name="expectedVersion"/>.</summary>
    /// <param name="state">The new state (its version is <paramref name="expectedVersion"/> + 1).</param>
    /// <param name="expectedVersion">The version read before the step ran.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns><see langword="false"/> when another runner changed the instance first.</returns>
    Task<bool> UpdateAsync(SagaState state, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Reads one instance.</summary>
    /// <param name="sagaId">The instance id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The state, or <see langword="null"/>.</returns>
    Task<SagaState?> GetAsync(Guid sagaId, CancellationToken cancellationToken);

    /// <summary>Lists instances of <paramref name="sagaType"/> in a given status (e.g. unfinished ones to resume, parked ones to alert on).</summary>
    /// <param name="sagaType">The saga definition name.</param>
    /// <param name="statuses">The statuses wanted.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The instances.</returns>
    Task<IReadOnlyList<SagaState>> ListAsync(string sagaType, IReadOnlyCollection<SagaStatus> statuses, CancellationToken cancellationToken);
}

/// <summary>Where a saga instance is in its life.</summary>
public enum SagaStatus
{
    /// <summary>Running its steps forward.</summary>
    Pending = 0,

    /// <summary>A step failed; completed steps are being compensated in reverse order.</summary>
    Compensating = 1,

    /// <summary>Every step succeeded.</summary>
    Confirmed = 2,

    /// <summary>A step failed and every completed step was compensated.</summary>
    Rejected = 3,

    /// <summary>A compensation kept failing; an operator must look (never dropped silently).</summary>
    Parked = 4,
}

/// <summary>The persisted state of one saga instance.</summary>
public sealed record SagaState
{
    /// <summary>The instance id (also the idempotency key steps pass to remote services).</summary>
    public required Guid SagaId { get; init; }

    /// <summary>The saga definition name.</summary>
    public required string SagaType { get; init; }

    /// <summary>The status.</summary>
    public required SagaStatus Status { get; init; }

    /// <summary>How many steps have completed forward.</summary>
    public required int CompletedSteps { get; init; }

    /// <summary>While compensating: how many completed steps still need compensation.</summary>
    public int PendingCompensations { get; init; }

    /// <summary>The saga's data as JSON; steps may change it (e.g. record a payment id for the refund).</summary>
    public required string Data { get; init; }

    /// <summary>Why the saga was rejected or parked.</summary>
    public string? Error { get; init; }

    /// <summary>The optimistic-concurrency version, incremented on every update.</summary>
    public required long Version { get; init; }

    /// <summary>When the state last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the span that started the instance; every step's span is its child, so a saga run
    /// in the background stays in the starter's trace (<see cref="SagaTracing"/>). Written once, at the start.
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>The W3C <c>tracestate</c> that came with <see cref="TraceParent"/>.</summary>
    public string? TraceState { get; init; }

    /// <summary>The starter's correlation id (<c>X-Correlation-Id</c>), put in every step's baggage and log scope.</summary>
    public string? CorrelationId { get; init; }
}
