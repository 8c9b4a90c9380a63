using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Bulwark.Drills.Edge;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Undo;

/// <summary>
/// Undo, for blue-green (Codex 23): under steady customer load through the edge, asks for a switch to a slot that
/// cannot pass its smoke gate (must be refused), switches to green, then back, and counts failed customer requests,
/// the switch back's time and whether each switch waited for the old slot to drain. Needs the edge's operator key
/// (<c>--api-key</c>).
/// </summary>
public sealed class UndoDrill : Drill<UndoOptions>
{
    private string? _blue;

    /// <summary>Creates the drill.</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public UndoDrill(UndoOptions? options = null)
        : base(new("undo", "Undo (Blue-Green)", "If the new version is broken, how long does it take to go back to the old one, and does any customer notice?", ["23 Blue-Green Deployment"]), options)
    {
    }

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        using var edge = new EdgeOperator(context, TimeSpan.FromSeconds(30));
        var state = (await edge.ReleaseAsync(cancellationToken).ConfigureAwait(false)).GetProperty("state");
        _blue = state.GetProperty("live").GetString();
        if (string.Equals(_blue, Options.Green, StringComparison.OrdinalIgnoreCase))
        {
            throw new DrillPreconditionException($"'{Options.Green}' is already live; switch back to the other slot first (bulwark edge switch <slot>).");
        }

        if (state.TryGetProperty("canary", out var canary) && canary.ValueKind == JsonValueKind.String)
        {
            throw new DrillPreconditionException($"A canary of '{canary.GetString()}' is in progress; promote or roll it back first.");
        }
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var blue = _blue ?? throw new InvalidOperationException("Arrange first.");
        using var edge = new EdgeOperator(context, TimeSpan.FromSeconds(60));
        var time = context.TimeProvider;
        var load = new EdgeCustomerLoad();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var paths = Options.CustomerPaths;
        var running = load.RunAsync(context.Target, Options.Workers, Options.Workers * 4, (n, _) =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(paths[(int)(n % paths.Count)], UriKind.Relative));
            if (Options.CustomerApiKey is { } key)
            {
                request.Headers.TryAddWithoutValidation("X-Api-Key", key);
            }

            return request;
        }, Options.MaxRequests, stop.Token);

        OperatorAnswer unfit, toGreen, back;
        long servedByGreen;
        try
        {
            await Task.Delay(Options.Hold, time, cancellationToken).ConfigureAwait(false);
            unfit = await edge.SendAsync(HttpMethod.Post, "/edge/release/switch", new { slot = Options.UnfitSlot }, cancellationToken).ConfigureAwait(false);
            toGreen = await edge.SendAsync(HttpMethod.Post, "/edge/release/switch", new { slot = Options.Green }, cancellationToken).ConfigureAwait(false);
            var greenBefore = load.BySlot.GetValueOrDefault(Options.Green);
            await Task.Delay(Options.Hold, time, cancellationToken).ConfigureAwait(false);
            servedByGreen = load.BySlot.GetValueOrDefault(Options.Green) - greenBefore;
            back = await edge.SendAsync(HttpMethod.Post, "/edge/release/switch", new { slot = blue }, cancellationToken).ConfigureAwait(false);
            await Task.Delay(Options.Hold, time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await running.ConfigureAwait(false);
        }

        var live = (await edge.ReleaseAsync(cancellationToken).ConfigureAwait(false)).GetProperty("state").GetProperty("live").GetString() ?? "?";
        var (toGreenDrained, toGreenLeft) = DrainReading.From(toGreen);
        var (backDrained, backLeft) = DrainReading.From(back);
        return UndoJudge.Judge(new UndoMeasurements(
            blue, Options.Green, unfit.Status, toGreen.Status, back.Status, back.Elapsed.TotalMilliseconds, toGreenDrained, backDrained,
            Math.Max(0, toGreenLeft) + Math.Max(0, backLeft), load.Requests, load.Failures, servedByGreen, live, load.FailureSamples), Options);
    }

    /// <inheritdoc />
    protected override async Task RestoreCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        if (_blue is null)
        {
            return;
        }

        // Whatever happened, the slot that was live before the drill is live after it.
        using var edge = new EdgeOperator(context, TimeSpan.FromSeconds(60));
        var live = (await edge.ReleaseAsync(cancellationToken).ConfigureAwait(false)).GetProperty("state").GetProperty("live").GetString();
        if (!string.Equals(live, _blue, StringComparison.OrdinalIgnoreCase))
        {
            _ = await edge.SendAsync(HttpMethod.Post, "/edge/release/switch", new { slot = _blue }, cancellationToken).ConfigureAwait(false);
        }
    }
}
