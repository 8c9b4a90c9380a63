using Bulwark.Drills.Bus;
using Bulwark.Drills.Load;
using Bulwark.Drills.Switches;
using Bulwark.Drills.Targets;
using Bulwark.Drills.Timeline;

namespace Bulwark.Drills.Model;

/// <summary>What a drill runs against: the target, its dependencies' switches, the clock and the load generator.</summary>
public sealed class DrillContext
{
    /// <summary>Creates a context; <paramref name="target"/> must be loopback.</summary>
    /// <exception cref="NonLoopbackTargetException">The target is not on loopback.</exception>
    /// <remarks>
    /// Every request <paramref name="load"/> sends and every fault switched on <paramref name="dependencies"/> is
    /// recorded in <see cref="Recorder"/> (a new one unless <paramref name="recorder"/> is given).
    /// </remarks>
    public DrillContext(
        Uri target,
        TimeProvider timeProvider,
        LoadGenerator load,
        IEnumerable<IDependencySwitch>? dependencies = null,
        IReadOnlyDictionary<string, string>? defaultHeaders = null,
        DrillRecorder? recorder = null,
        IBusInjector? bus = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(load);
        Target = LoopbackTarget.Ensure(target);
        TimeProvider = timeProvider;
        Recorder = recorder ?? new DrillRecorder(timeProvider);
        Load = load.WithObserver(Recorder.Record);
        Dependencies = (dependencies ?? []).Select(d => RecordingDependencySwitch.Wrap(d, Recorder)).ToDictionary(d => d.Name, StringComparer.OrdinalIgnoreCase);
        DefaultHeaders = defaultHeaders ?? new Dictionary<string, string>();
        Bus = bus;
    }

    /// <summary>The target's message bus, for drills that deliver messages to its consumers; null when not given.</summary>
    public IBusInjector? Bus { get; }

    /// <summary>The bus, or a skip that says how to supply it.</summary>
    /// <exception cref="DrillSkippedException">No bus was given.</exception>
    public IBusInjector RequireBus() =>
        Bus ?? throw new DrillSkippedException("needs the target's message bus: pass --bus sqlite:<the shop's data folder>/messaging.db (the embedded queue file).");

    /// <summary>Records the run for live progress and the report's charts; drills that send their own requests or inject their own faults tell it.</summary>
    public DrillRecorder Recorder { get; }

    /// <summary>
    /// Headers every drill request carries unless the drill sets them (e.g. an API key, so the drill's own traffic is
    /// not mistaken for an attack by the service's rate limiter).
    /// </summary>
    public IReadOnlyDictionary<string, string> DefaultHeaders { get; }

    /// <summary>The service under test.</summary>
    public Uri Target { get; }

    /// <summary>The clock for every delay and measurement.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Sends the drill's load.</summary>
    public LoadGenerator Load { get; }

    /// <summary>The dependencies a drill can break, by name (e.g. <c>payments</c>).</summary>
    public IReadOnlyDictionary<string, IDependencySwitch> Dependencies { get; }

    /// <summary>
    /// Load options for users arriving on schedule: open loop at <paramref name="ratePerSecond"/> against the target with
    /// <see cref="DefaultHeaders"/>, for <paramref name="duration"/> and at most rate × duration requests.
    /// </summary>
    public LoadOptions OpenLoop(double ratePerSecond, TimeSpan duration, TimeSpan requestTimeout, int maxInFlight = 256) => new()
    {
        DefaultHeaders = DefaultHeaders,
        Target = Target,
        Mode = LoadMode.OpenLoop,
        RatePerSecond = ratePerSecond,
        MaxInFlight = maxInFlight,
        MaxRequests = (int)Math.Clamp(Math.Ceiling(ratePerSecond * duration.TotalSeconds), 1, LoadOptions.RequestCap),
        MaxDuration = duration,
        RequestTimeout = requestTimeout,
    };

    /// <summary>
    /// A loopback client on <paramref name="baseAddress"/> (the target when null) that sends <see cref="DefaultHeaders"/>
    /// with every request, for the drill's own calls outside <see cref="Load"/>.
    /// </summary>
    /// <exception cref="NonLoopbackTargetException">The base address is not on loopback.</exception>
    public HttpClient CreateClient(TimeSpan timeout, Uri? baseAddress = null, int maxConnectionsPerServer = 16) =>
        LoopbackHttp.CreateClient(baseAddress ?? Target, timeout, DefaultHeaders, maxConnectionsPerServer);

    /// <summary>Adds <see cref="DefaultHeaders"/> to <paramref name="request"/>, for a request sent on a client that does not add them itself.</summary>
    public void AddDefaultHeaders(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var (name, value) in DefaultHeaders)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }

    /// <summary>The named dependency's switch, or a precondition failure that says how to supply it.</summary>
    /// <exception cref="DrillSkippedException">No such dependency was given.</exception>
    public IDependencySwitch RequireDependency(string name, string hint) =>
        Dependencies.TryGetValue(name, out var dependency)
            ? dependency
            : throw new DrillSkippedException($"needs the '{name}' dependency's switch: {hint}");

    /// <summary>Skips the drill unless an operator key was given (<c>--api-key</c>, sent as <c>X-Api-Key</c>).</summary>
    /// <param name="purpose">What the drill needs the key for, e.g. "to flush the cache".</param>
    /// <exception cref="DrillSkippedException">No operator key was given.</exception>
    public void RequireOperatorKey(string purpose)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        if (!DefaultHeaders.ContainsKey("X-Api-Key"))
        {
            throw new DrillSkippedException($"needs an operator key {purpose}: pass --api-key <operator key>.");
        }
    }

    /// <summary>Fails the precondition unless GET <paramref name="path"/> on the target answers 2xx.</summary>
    /// <exception cref="DrillPreconditionException">The target does not answer.</exception>
    public async Task RequireTargetAnswersAsync(string path, CancellationToken cancellationToken)
    {
        using var client = LoopbackHttp.CreateClient(Target, TimeSpan.FromSeconds(5));
        try
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new DrillPreconditionException($"GET {path} on {Target} answered {(int)response.StatusCode} before any fault; fix that first.");
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new DrillPreconditionException($"{Target} does not answer GET {path} ({e.Message}); is it running? e.g. dotnet run --project shop/Shop.Host", e);
        }
    }
}
