using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace Bulwark.Edge.Release;

/// <summary>
/// The release state machine: which slot is live, which is the canary at what weight, the per-slot measurements the
/// analysis judges, and every decision. Requests read one immutable <see cref="ReleaseState"/> snapshot; every change is
/// made under one lock, persisted, logged and kept in the decision log. A switch or canary start runs the smoke gate
/// first and only one runs at a time (a second is refused, never queued).
/// </summary>
internal sealed partial class ReleaseController
{
    private const int DecisionLogSize = 200;
    private static readonly JsonSerializerOptions StateJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() }, WriteIndented = true };
    private readonly object _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly EdgeMetrics _metrics;
    private readonly BusinessMetricReader _business;
    private readonly ILogger<ReleaseController> _logger;
    private readonly ConcurrentDictionary<string, StrongBoxLong> _inFlight = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<ReleaseDecision> _decisions = new();
    private ConcurrentDictionary<string, SlotWindow> _windows = new(StringComparer.OrdinalIgnoreCase);
    private ConcurrentDictionary<string, SlotWindow> _rollout = new(StringComparer.OrdinalIgnoreCase);
    private ReleaseOptions _options = new();
    private ReleaseState? _state;
    private int _busy;
    // Bumped whenever the step windows are reset, so a business read that straddles a step change is recognised.
    private int _generation;
    private BusinessStart? _businessStart;

    public ReleaseController(TimeProvider timeProvider, IHttpClientFactory httpClientFactory, EdgeMetrics metrics, BusinessMetricReader business, ILogger<ReleaseController> logger)
    {
        _timeProvider = timeProvider;
        _httpClientFactory = httpClientFactory;
        _metrics = metrics;
        _business = business;
        _logger = logger;
    }

    /// <summary>The named HTTP client the smoke gate uses.</summary>
    public const string SmokeClientName = "Bulwark.Edge.Smoke";

    /// <summary>The state now; null when no slot is configured.</summary>
    public ReleaseState? State => Volatile.Read(ref _state);

    /// <summary>The current options (replaced on a configuration reload).</summary>
    public ReleaseOptions Options => Volatile.Read(ref _options);

    /// <summary>The decisions so far, oldest first (the latest 200).</summary>
    public IReadOnlyList<ReleaseDecision> Decisions
    {
        get
        {
            lock (_gate)
            {
                return [.. _decisions];
            }
        }
    }

    /// <summary>Picks the slot for one request: a pin to a serving slot wins, then the customer's bucket against the canary's weight.</summary>
    public string? Choose(string customer, string? pin)
    {
        var state = State;
        if (state is null)
        {
            return null;
        }

        // A pin to a slot that no longer serves (rolled back, switched away) is ignored: that version is gone.
        if (pin is not null && (string.Equals(pin, state.Live, StringComparison.OrdinalIgnoreCase) || string.Equals(pin, state.Canary, StringComparison.OrdinalIgnoreCase)))
        {
            return string.Equals(pin, state.Live, StringComparison.OrdinalIgnoreCase) ? state.Live : state.Canary;
        }

        return state.Canary is { } canary && state.Weight > 0 && CustomerBuckets.OnCanary(canary, customer, state.Weight) ? canary : state.Live;
    }

    /// <summary>Marks a request to <paramref name="slot"/> as started; dispose the result when it ends.</summary>
    internal InFlight Begin(string slot) => new(_inFlight.GetOrAdd(slot, _ => new StrongBoxLong()));

    /// <summary>Records a finished request for the analysis and the blast-radius figures.</summary>
    internal void Record(string slot, bool error, TimeSpan elapsed)
    {
        Volatile.Read(ref _windows).GetOrAdd(slot, _ => new SlotWindow()).Record(error, elapsed);
        Volatile.Read(ref _rollout).GetOrAdd(slot, _ => new SlotWindow()).Record(error, elapsed);
        _metrics.ReleaseRequests.Add(1, new TagList { { "slot", slot }, { "outcome", error ? "error" : "ok" } });
    }

    /// <summary>Requests in flight to <paramref name="slot"/>.</summary>
    public long InFlightTo(string slot) => _inFlight.TryGetValue(slot, out var box) ? Interlocked.Read(ref box.Value) : 0;

    /// <summary>Each slot's measurements since the current canary step began.</summary>
    public IReadOnlyDictionary<string, WindowSnapshot> StepWindows() => Volatile.Read(ref _windows).ToDictionary(w => w.Key, w => w.Value.Snapshot());

    /// <summary>Each slot's measurements since the current rollout (or the last switch) began: the blast-radius figures.</summary>
    public IReadOnlyDictionary<string, WindowSnapshot> RolloutWindows() => Volatile.Read(ref _rollout).ToDictionary(w => w.Key, w => w.Value.Snapshot());

    /// <summary>Takes new options; on the first call loads the persisted state or starts on the configured live slot.</summary>
    internal void Apply(ReleaseOptions options)
    {
        lock (_gate)
        {
            Volatile.Write(ref _options, options);
            if (options.Slots.Count == 0)
            {
                return;
            }

            var state = _state ?? Load(options) ?? new ReleaseState(options.Live ?? options.Slots.Keys.First(), null, 0, 0, 0, RolloutPhase.None);
            if (!options.Slots.ContainsKey(state.Live))
            {
                state = state with { Live = options.Live ?? options.Slots.Keys.First(), Canary = null, Weight = 0 };
            }

            if (state.Canary is { } canary && !options.Slots.ContainsKey(canary))
            {
                // The canary's slot was removed from the configuration: its customers go back to the live slot.
                state = state with { Canary = null, Weight = 0, Phase = RolloutPhase.RolledBack };
            }

            Change(state, "configure", $"slots {string.Join(", ", options.Slots.Keys)}");
        }
    }

    /// <summary>Switches all traffic to <paramref name="slot"/> after its smoke gate, then waits for the old slot to drain.</summary>
    public async Task<ReleaseResult> SwitchAsync(string slot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slot);
        if (Refuse(slot, requireNotLive: false) is { } refused)
        {
            return refused;
        }

        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            return ReleaseResult.Conflict("Another switch or canary start is running; wait for it to finish.");
        }

        try
        {
            var before = State!;
            if (string.Equals(before.Live, slot, StringComparison.OrdinalIgnoreCase))
            {
                return ReleaseResult.Ok($"'{slot}' is already live.", before);
            }

            if (await SmokeAsync(slot, cancellationToken).ConfigureAwait(false) is { } failure)
            {
                LogRefused(slot, failure);
                return ReleaseResult.Refused($"Slot '{slot}' failed its smoke gate: {failure}");
            }

            ReleaseState after;
            lock (_gate)
            {
                // A canary started meanwhile is ended by the switch: its slot is either now live or no longer serving.
                after = State! with { Live = Options.Slots.Keys.First(k => string.Equals(k, slot, StringComparison.OrdinalIgnoreCase)), Canary = null, Weight = 0, Step = 0, Failures = 0 };
                ResetWindows(rollout: true);
                Change(after, "switch", $"from {before.Live} to {after.Live}");
            }

            LogSwitched(before.Live, after.Live);
            var drain = await DrainAsync(before.Live, cancellationToken).ConfigureAwait(false);
            return ReleaseResult.Ok(drain.Drained
                ? $"Switched from '{before.Live}' to '{after.Live}'; '{before.Live}' drained."
                : $"Switched from '{before.Live}' to '{after.Live}'; {drain.InFlight} requests still in flight to '{before.Live}' after {Options.DrainTimeout:g}.", after) with { Drain = drain };
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Starts a canary of <paramref name="slot"/> at the first step, after its smoke gate.</summary>
    public async Task<ReleaseResult> StartCanaryAsync(string slot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slot);
        if (Refuse(slot, requireNotLive: true) is { } refused)
        {
            return refused;
        }

        if (State!.Phase == RolloutPhase.Progressing)
        {
            return ReleaseResult.Conflict($"A canary of '{State.Canary}' is in progress; promote or roll it back first.");
        }

        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            return ReleaseResult.Conflict("Another switch or canary start is running; wait for it to finish.");
        }

        try
        {
            if (await SmokeAsync(slot, cancellationToken).ConfigureAwait(false) is { } failure)
            {
                LogRefused(slot, failure);
                return ReleaseResult.Refused($"Slot '{slot}' failed its smoke gate: {failure}");
            }

            // The first step's business counters start here; unread, the first analysis reads them instead.
            var name = Options.Slots.Keys.First(k => string.Equals(k, slot, StringComparison.OrdinalIgnoreCase));
            var live = State!.Live;
            var counters = await ReadBusinessAsync(name, live, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                var state = State! with { Canary = name, Weight = Options.Canary.EffectiveSteps[0], Step = 0, Failures = 0, Phase = RolloutPhase.Progressing };
                ResetWindows(rollout: true);
                if (counters.Canary is { } c && counters.Baseline is { } b && string.Equals(state.Live, live, StringComparison.Ordinal))
                {
                    _businessStart = new BusinessStart(_generation, name, live, c, b);
                }
                Change(state, "canary-start", $"{name} at {state.Weight}%");
                return ReleaseResult.Ok($"Canary '{name}' started at {state.Weight}%.", state);
            }
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>
    /// Runs one analysis of the canary's current step and applies the decision; null when no canary runs. The business
    /// counters, when configured, are read from both slots first (outside the lock), so the step's delta ends now.
    /// </summary>
    public async Task<CanaryDecision?> AnalyseAsync(CancellationToken cancellationToken)
    {
        if (State is not { Phase: RolloutPhase.Progressing, Canary: { } reading } before)
        {
            return null;
        }

        var generation = Volatile.Read(ref _generation);
        var counters = await ReadBusinessAsync(reading, before.Live, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            var state = State;
            if (state is not { Phase: RolloutPhase.Progressing, Canary: { } canary })
            {
                return null;
            }

            var options = Options.Canary;
            var windows = Volatile.Read(ref _windows);
            var window = windows.GetValueOrDefault(canary)?.Snapshot() ?? new WindowSnapshot(0, 0, null);
            // The live slot over the same step (the windows are reset together): the baseline the canary is compared with.
            var baseline = windows.GetValueOrDefault(state.Live)?.Snapshot();
            var sameSlots = string.Equals(canary, reading, StringComparison.Ordinal) && string.Equals(state.Live, before.Live, StringComparison.Ordinal);
            var business = options.Business.Enabled ? BusinessOverStep(counters, generation, canary, state.Live, sameSlots) : null;
            var decision = CanaryAnalysis.Decide(window, options, state.Step, state.Failures, baseline, business);
            var next = decision.Kind switch
            {
                CanaryDecisionKind.Promote => state with { Step = decision.NextStep, Weight = options.EffectiveSteps[decision.NextStep] },
                CanaryDecisionKind.Complete => state with { Live = canary, Canary = null, Weight = 0, Phase = RolloutPhase.Promoted },
                CanaryDecisionKind.RollBack => state with { Canary = null, Weight = 0, Failures = decision.Failures, Phase = RolloutPhase.RolledBack },
                CanaryDecisionKind.Fail => state with { Failures = decision.Failures },
                _ => state,
            };

            // A new step is judged on its own requests; a hold keeps collecting.
            if (decision.Kind is CanaryDecisionKind.Promote or CanaryDecisionKind.Fail)
            {
                ResetWindows(rollout: false);
                // This step's ending counters are the next step's starting ones.
                if (sameSlots && generation + 1 == _generation && counters.Canary is { } c && counters.Baseline is { } b)
                {
                    _businessStart = new BusinessStart(_generation, canary, state.Live, c, b);
                }
            }

            Change(next, decision.Kind.ToString(), decision.Reason, window, decision.Evidence);
            _metrics.ReleaseDecisions.Add(1, new TagList { { "decision", decision.Kind.ToString() } });
            LogDecision(canary, decision.Kind, decision.Reason);
            return decision;
        }
    }

    // Runs under _gate: the counters' change since the step's start, or why there is none yet.
    private BusinessReading BusinessOverStep(BusinessRead read, int generation, string canary, string live, bool sameSlots)
    {
        if (read.Error is { } error)
        {
            return new BusinessReading(null, null, error);
        }

        if (!sameSlots || generation != _generation)
        {
            return new BusinessReading(null, null, "the step changed while the counters were read");
        }

        var (c, b) = (read.Canary!, read.Baseline!);
        if (_businessStart is not { } start || start.Generation != _generation || start.Canary != canary || start.Live != live)
        {
            _businessStart = new BusinessStart(_generation, canary, live, c, b);
            return new BusinessReading(null, null, "the step's starting counters were read now; judged from the next analysis");
        }

        var canaryDelta = new BusinessCounts(c.Good - start.CanaryCounts.Good, c.Bad - start.CanaryCounts.Bad);
        var baselineDelta = new BusinessCounts(b.Good - start.LiveCounts.Good, b.Bad - start.LiveCounts.Bad);
        if (canaryDelta.Good < 0 || canaryDelta.Bad < 0 || baselineDelta.Good < 0 || baselineDelta.Bad < 0)
        {
            // A counter went down: that slot's process restarted. Start the step's count again from here.
            _businessStart = new BusinessStart(_generation, canary, live, c, b);
            return new BusinessReading(null, null, "a slot's counters went down (its process restarted?); counting again from now");
        }

        return new BusinessReading(canaryDelta, baselineDelta);
    }

    private async Task<BusinessRead> ReadBusinessAsync(string canary, string live, CancellationToken cancellationToken)
    {
        var options = Options;
        if (!options.Canary.Business.Enabled || !options.Slots.ContainsKey(canary) || !options.Slots.ContainsKey(live))
        {
            return new BusinessRead(null, null, "no business metric");
        }

        var reads = await Task.WhenAll(_business.ReadAsync(options, canary, cancellationToken), _business.ReadAsync(options, live, cancellationToken)).ConfigureAwait(false);
        var error = string.Join("; ", reads.Select(r => r.Error).OfType<string>());
        return error.Length > 0 ? new BusinessRead(null, null, error) : new BusinessRead(reads[0].Counts, reads[1].Counts, null);
    }

    /// <summary>Sends everyone back to the live slot now.</summary>
    public ReleaseResult RollBack(string reason)
    {
        lock (_gate)
        {
            var state = State;
            if (state?.Canary is null)
            {
                return ReleaseResult.Conflict("No canary is in progress.");
            }

            var next = state with { Canary = null, Weight = 0, Phase = RolloutPhase.RolledBack };
            Change(next, "rollback", reason);
            LogDecision(state.Canary, CanaryDecisionKind.RollBack, reason);
            return ReleaseResult.Ok($"Canary '{state.Canary}' rolled back; everyone is on '{state.Live}'.", next);
        }
    }

    /// <summary>Makes the canary live now, skipping the remaining steps.</summary>
    public ReleaseResult Promote(string reason)
    {
        lock (_gate)
        {
            var state = State;
            if (state?.Canary is not { } canary)
            {
                return ReleaseResult.Conflict("No canary is in progress.");
            }

            var next = state with { Live = canary, Canary = null, Weight = 0, Phase = RolloutPhase.Promoted };
            Change(next, "promote", reason);
            return ReleaseResult.Ok($"Canary '{canary}' is live.", next);
        }
    }

    /// <summary>
    /// Moves the canary to its next step by hand, as Argo Rollouts' <c>promote</c> does (where <see cref="Promote"/> is its
    /// <c>promote --full</c>): the first configured weight above the current one; from the last step the canary becomes live, as a healthy analysis
    /// there would make it.
    /// </summary>
    public ReleaseResult Step(string reason)
    {
        lock (_gate)
        {
            var state = State;
            if (state?.Canary is not { } canary)
            {
                return ReleaseResult.Conflict("No canary is in progress.");
            }

            // A weight set by hand may lie between steps: the next step is the first one above it, never a lower weight.
            var steps = Options.Canary.EffectiveSteps;
            var index = Enumerable.Range(state.Step + 1, Math.Max(0, steps.Count - state.Step - 1)).FirstOrDefault(i => steps[i] > state.Weight, -1);
            if (index < 0)
            {
                var live = state with { Live = canary, Canary = null, Weight = 0, Phase = RolloutPhase.Promoted };
                Change(live, "step", $"{reason}: past the last step, the canary becomes live");
                return ReleaseResult.Ok($"Canary '{canary}' was at its last step and is live now.", live);
            }

            var next = state with { Step = index, Weight = steps[index] };
            ResetWindows(rollout: false);
            Change(next, "step", $"{reason}: {state.Weight}% to {next.Weight}% (step {index + 1} of {steps.Count})");
            return ReleaseResult.Ok($"Canary '{canary}' moved to {next.Weight}% (step {index + 1} of {steps.Count}).", next);
        }
    }

    /// <summary>Sets the canary's weight by hand (0 to 100).</summary>
    public ReleaseResult SetWeight(double weight)
    {
        if (double.IsNaN(weight) || weight is < 0 or > 100)
        {
            return ReleaseResult.Invalid($"A weight is 0 to 100 percent, not {weight}.");
        }

        lock (_gate)
        {
            var state = State;
            if (state?.Canary is null)
            {
                return ReleaseResult.Conflict("No canary is in progress; start one first.");
            }

            var next = state with { Weight = weight };
            ResetWindows(rollout: false);
            Change(next, "weight", $"{state.Weight}% to {weight}%");
            return ReleaseResult.Ok($"Canary '{state.Canary}' at {weight}%.", next);
        }
    }

    private ReleaseResult? Refuse(string slot, bool requireNotLive)
    {
        var state = State;
        if (state is null || !Options.Slots.ContainsKey(slot))
        {
            return ReleaseResult.NotFound($"No slot '{slot}'; the slots are: {string.Join(", ", Options.Slots.Keys)}.");
        }

        return requireNotLive && string.Equals(state.Live, slot, StringComparison.OrdinalIgnoreCase)
            ? ReleaseResult.Conflict($"'{slot}' is already live; a canary needs another slot.")
            : null;
    }

    private async Task<string?> SmokeAsync(string slot, CancellationToken cancellationToken)
    {
        var options = Options;
        if (!options.Smoke.Enabled)
        {
            LogSmokeSkipped(slot);
            return null;
        }

        var baseAddress = new Uri(options.Slots[slot]);
        var client = _httpClientFactory.CreateClient(SmokeClientName);
        foreach (var path in new[] { options.Smoke.ReadyPath }.Concat(options.Smoke.Paths))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Smoke.Timeout);
            try
            {
                using var response = await client.GetAsync(new Uri(baseAddress, path), timeout.Token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    return $"GET {path} answered {(int)response.StatusCode}.";
                }
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                return $"GET {path} got no answer ({e.GetType().Name}: {e.Message}).";
            }
        }

        return null;
    }

    private async Task<DrainReport> DrainAsync(string slot, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        while (InFlightTo(slot) is var inFlight && inFlight > 0)
        {
            if (_timeProvider.GetElapsedTime(started) >= Options.DrainTimeout)
            {
                return new DrainReport(slot, false, inFlight, _timeProvider.GetElapsedTime(started).TotalMilliseconds);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), _timeProvider, cancellationToken).ConfigureAwait(false);
        }

        var elapsedMs = _timeProvider.GetElapsedTime(started).TotalMilliseconds;
        LogDrained(slot, elapsedMs);
        return new DrainReport(slot, true, 0, elapsedMs);
    }

    private void ResetWindows(bool rollout)
    {
        Interlocked.Increment(ref _generation);
        Volatile.Write(ref _windows, new ConcurrentDictionary<string, SlotWindow>(StringComparer.OrdinalIgnoreCase));
        if (rollout)
        {
            Volatile.Write(ref _rollout, new ConcurrentDictionary<string, SlotWindow>(StringComparer.OrdinalIgnoreCase));
        }
    }

    // Runs under _gate.
    private void Change(ReleaseState next, string action, string detail, WindowSnapshot? figures = null, CanaryEvidence? evidence = null)
    {
        var changed = _state != next;
        Volatile.Write(ref _state, next);
        _decisions.Enqueue(new ReleaseDecision(_timeProvider.GetUtcNow(), action, detail, next) { Figures = figures, Evidence = evidence });
        while (_decisions.Count > DecisionLogSize)
        {
            _decisions.Dequeue();
        }

        if (changed && Options.StatePath is { } path)
        {
            // Written beside and renamed over, so a crash mid-write leaves the old state, never half a file.
            var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            Directory.CreateDirectory(directory);
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(next, StateJson));
            File.Move(temporary, path, overwrite: true);
        }
    }

    private static ReleaseState? Load(ReleaseOptions options)
    {
        if (options.StatePath is not { } path || !File.Exists(path))
        {
            return null;
        }

        return JsonSerializer.Deserialize<ReleaseState>(File.ReadAllText(path), StateJson);
    }

    [LoggerMessage(EventId = EdgeEventIds.ReleaseSwitched, Level = LogLevel.Warning, Message = "Release switched from {From} to {To}")]
    private partial void LogSwitched(string from, string to);

    [LoggerMessage(EventId = EdgeEventIds.ReleaseRefused, Level = LogLevel.Warning, Message = "Release of {Slot} refused: {Reason}")]
    private partial void LogRefused(string slot, string reason);

    [LoggerMessage(EventId = EdgeEventIds.CanaryDecision, Level = LogLevel.Warning, Message = "Canary {Slot}: {Decision}. {Reason}")]
    private partial void LogDecision(string slot, CanaryDecisionKind decision, string reason);

    [LoggerMessage(EventId = EdgeEventIds.SmokeSkipped, Level = LogLevel.Warning, Message = "Smoke gate for {Slot} skipped: Edge:Release:Smoke:Enabled is false")]
    private partial void LogSmokeSkipped(string slot);

    [LoggerMessage(EventId = EdgeEventIds.Drained, Level = LogLevel.Information, Message = "Slot {Slot} drained in {ElapsedMs:0} ms")]
    private partial void LogDrained(string slot, double elapsedMs);

    private sealed record BusinessRead(BusinessCounts? Canary, BusinessCounts? Baseline, string? Error);

    private sealed record BusinessStart(int Generation, string Canary, string Live, BusinessCounts CanaryCounts, BusinessCounts LiveCounts);

    internal sealed class StrongBoxLong
    {
        public long Value;
    }

    /// <summary>One request in flight to a slot; disposing ends it.</summary>
    internal readonly struct InFlight : IDisposable
    {
        private readonly StrongBoxLong _box;

        public InFlight(StrongBoxLong box)
        {
            _box = box;
            Interlocked.Increment(ref box.Value);
        }

        public void Dispose() => Interlocked.Decrement(ref _box.Value);
    }
}

/// <summary>The outcome of an operator's release command, mapped to an HTTP status by the endpoint.</summary>
/// <param name="Status">200, 400, 404, 409 or 422.</param>
/// <param name="Detail">What happened or why not.</param>
/// <param name="State">The state after it, when it succeeded.</param>
public sealed record ReleaseResult(int Status, string Detail, ReleaseState? State)
{
    /// <summary>For a switch: how the old slot's in-flight requests drained; null otherwise.</summary>
    public DrainReport? Drain { get; init; }

    internal static ReleaseResult Ok(string detail, ReleaseState state) => new(200, detail, state);

    internal static ReleaseResult Invalid(string detail) => new(400, detail, null);

    internal static ReleaseResult NotFound(string detail) => new(404, detail, null);

    internal static ReleaseResult Conflict(string detail) => new(409, detail, null);

    internal static ReleaseResult Refused(string detail) => new(422, detail, null);
}

/// <summary>How a switched-away slot's in-flight requests ended: the old process may be stopped once it drained.</summary>
/// <param name="Slot">The slot switched away from.</param>
/// <param name="Drained">Whether its in-flight count reached 0 within <c>Edge:Release:DrainTimeout</c>.</param>
/// <param name="InFlight">Requests still in flight to it when the switch answered.</param>
/// <param name="ElapsedMs">How long the switch waited.</param>
public sealed record DrainReport(string Slot, bool Drained, long InFlight, double ElapsedMs);
