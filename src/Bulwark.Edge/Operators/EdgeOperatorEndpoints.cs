using Bulwark.AspNetCore.Problems;
using Bulwark.Edge.Release;
using Bulwark.Edge.Strangler;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Edge.Operators;

/// <summary>The edge's operator endpoints: status, strangler flips, blue-green switches and canary control.</summary>
internal static partial class EdgeOperatorEndpoints
{
    public static void Map(RouteGroupBuilder edge)
    {
        edge.MapGet("/strangler", Strangler).WithName("EdgeStrangler");
        edge.MapPut("/strangler/{route}/target", Flip).WithName("EdgeStranglerFlip");
        edge.MapGet("/release", Release).WithName("EdgeRelease");
        edge.MapPost("/release/switch", SwitchAsync).WithName("EdgeReleaseSwitch");
        edge.MapPost("/release/canary", StartCanaryAsync).WithName("EdgeCanaryStart");
        edge.MapPut("/release/canary/weight", (WeightRequest? body, ReleaseController release) =>
            body is null ? ProblemResults.BadRequest("Send {\"weight\": 25}.") : ToResult(release.SetWeight(body.Weight))).WithName("EdgeCanaryWeight");
        edge.MapPost("/release/canary/analyse", AnalyseAsync).WithName("EdgeCanaryAnalyse");
        edge.MapPost("/release/canary/promote", (ReleaseController release) => ToResult(release.Promote("operator"))).WithName("EdgeCanaryPromote");
        edge.MapPost("/release/canary/step", (ReleaseController release) => ToResult(release.Step("operator"))).WithName("EdgeCanaryStep");
        edge.MapPost("/release/canary/rollback", (ReleaseController release) => ToResult(release.RollBack("operator"))).WithName("EdgeCanaryRollback");
    }

    /// <summary>
    /// Answers a request under <c>/edge</c> that no operator endpoint takes: 415 for a command sent without a JSON body
    /// (the commands that take one match only <c>application/json</c>), 404 for anything else.
    /// </summary>
    public static ProblemHttpResult Unmatched(HttpRequest request)
    {
        if ((HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method)) && !request.HasJsonContentType())
        {
            return ProblemResults.Create(
                StatusCodes.Status415UnsupportedMediaType,
                "Unsupported media type",
                $"Edge operator commands take a JSON body: send {request.Method} {request.Path} with Content-Type: application/json (for example {{\"slot\": \"green\"}}), or check the path in docs/edge.md.");
        }

        return ProblemResults.NotFound($"No edge operator endpoint answers {request.Method} {request.Path}: GET /edge/release and GET /edge/strangler show the state; docs/edge.md lists the commands.");
    }

    private static Ok<StranglerReport> Strangler(StranglerTable table, IOptionsMonitor<EdgeOptions> options, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var window = options.CurrentValue.Strangler.ZombieWindow;
        return TypedResults.Ok(new StranglerReport(table.ObservedSince, window, [.. table.Routes.Select(r => r.Status(table.ObservedSince, now, window))]));
    }

    private static Results<Ok<StranglerRouteStatus>, ProblemHttpResult> Flip(
        string route, FlipRequest? body, StranglerTable table, IOptionsMonitor<EdgeOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        if (table.Find(route) is not { } state)
        {
            return ProblemResults.NotFound($"No strangled route '{route}'; the routes are: {string.Join(", ", table.Routes.Select(r => r.Name))}.");
        }

        if (body?.Target is not { } target || !Enum.IsDefined(target))
        {
            return ProblemResults.BadRequest("Send {\"target\": \"new\"} or {\"target\": \"legacy\"}.");
        }

        var previous = state.Flip(target);
        LogFlipped(loggers.CreateLogger(typeof(EdgeOperatorEndpoints).FullName!), state.Name, previous, target);
        var now = time.GetUtcNow();
        return TypedResults.Ok(state.Status(table.ObservedSince, now, options.CurrentValue.Strangler.ZombieWindow));
    }

    private static Ok<ReleaseReport> Release(ReleaseController release) =>
        TypedResults.Ok(new ReleaseReport(release.State, release.StepWindows(), release.RolloutWindows(), BlastRadius(release), release.Decisions, Slots(release), Canary(release.Options.Canary)));

    private static async Task<Results<Ok<ReleaseResult>, ProblemHttpResult>> SwitchAsync(SlotRequest? body, ReleaseController release, CancellationToken cancellationToken) =>
        body?.Slot is not { Length: > 0 } slot
            ? ProblemResults.BadRequest("Send {\"slot\": \"green\"}.")
            : ToResult(await release.SwitchAsync(slot, cancellationToken).ConfigureAwait(false));

    private static async Task<Results<Ok<ReleaseResult>, ProblemHttpResult>> StartCanaryAsync(SlotRequest? body, ReleaseController release, CancellationToken cancellationToken) =>
        body?.Slot is not { Length: > 0 } slot
            ? ProblemResults.BadRequest("Send {\"slot\": \"green\"}.")
            : ToResult(await release.StartCanaryAsync(slot, cancellationToken).ConfigureAwait(false));

    private static async Task<Results<Ok<CanaryDecision>, ProblemHttpResult>> AnalyseAsync(ReleaseController release, CancellationToken cancellationToken) =>
        await release.AnalyseAsync(cancellationToken).ConfigureAwait(false) is { } decision ? TypedResults.Ok(decision) : ProblemResults.Conflict("No canary is in progress.");

    private static Results<Ok<ReleaseResult>, ProblemHttpResult> ToResult(ReleaseResult result) => result.Status switch
    {
        StatusCodes.Status200OK => TypedResults.Ok(result),
        StatusCodes.Status400BadRequest => ProblemResults.BadRequest(result.Detail),
        StatusCodes.Status404NotFound => ProblemResults.NotFound(result.Detail),
        StatusCodes.Status409Conflict => ProblemResults.Conflict(result.Detail),
        _ => ProblemResults.Unprocessable(result.Detail),
    };

    // Every configured slot, also one that took no traffic yet (the windows list only slots that did).
    private static List<SlotReport> Slots(ReleaseController release)
    {
        var state = release.State;
        return [.. release.Options.Slots.Keys.Select(name => new SlotReport(
            name,
            string.Equals(name, state?.Live, StringComparison.OrdinalIgnoreCase) ? "live" : string.Equals(name, state?.Canary, StringComparison.OrdinalIgnoreCase) ? "canary" : "idle",
            release.InFlightTo(name)))];
    }

    private static CanaryReport Canary(CanaryOptions canary) =>
        new([.. canary.EffectiveSteps], canary.Interval, canary.MinSample, canary.MaxErrorRate, canary.MaxP99, canary.FailureLimit, canary.Baseline, canary.Business);

    // The share of all customer requests since the rollout began that saw an error: what the canary cost.
    private static BlastRadiusReport BlastRadius(ReleaseController release)
    {
        var windows = release.RolloutWindows();
        var requests = windows.Values.Sum(w => w.Requests);
        var errors = windows.Values.Sum(w => w.Errors);
        return new BlastRadiusReport(requests, errors, requests == 0 ? 0 : (double)errors / requests);
    }

    [LoggerMessage(EventId = EdgeEventIds.StranglerFlipped, Level = LogLevel.Warning, Message = "Strangled route {Route} flipped from {From} to {To}")]
    private static partial void LogFlipped(ILogger logger, string route, StranglerSide from, StranglerSide to);

    internal sealed record FlipRequest(StranglerSide? Target);

    internal sealed record SlotRequest(string? Slot);

    internal sealed record WeightRequest(double Weight);

    internal sealed record StranglerReport(DateTimeOffset ObservedSince, TimeSpan ZombieWindow, IReadOnlyList<StranglerRouteStatus> Routes);

    internal sealed record BlastRadiusReport(long Requests, long Errors, double ErrorShare);

    internal sealed record ReleaseReport(
        ReleaseState? State,
        IReadOnlyDictionary<string, WindowSnapshot> Step,
        IReadOnlyDictionary<string, WindowSnapshot> Rollout,
        BlastRadiusReport BlastRadius,
        IReadOnlyList<ReleaseDecision> Decisions,
        IReadOnlyList<SlotReport> Slots,
        CanaryReport Canary);

    internal sealed record CanaryReport(IReadOnlyList<double> Steps, TimeSpan Interval, int MinSample, double MaxErrorRate, TimeSpan MaxP99, int FailureLimit, BaselineComparisonOptions Baseline, BusinessMetricOptions Business);

    internal sealed record SlotReport(string Name, string Role, long InFlight);
}
