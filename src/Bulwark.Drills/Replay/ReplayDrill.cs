using System.Globalization;
using System.Net.Http.Json;
using Bulwark.Drills.Model;
using Bulwark.ShopClient;

namespace Bulwark.Drills.Replay;

/// <summary>
/// Replay: reads the target's read models, rebuilds every projection from position 0 of the event log, and checks the
/// read models answer exactly as before. Meanwhile it keeps reading, to count what users see during a rebuild.
/// </summary>
/// <param name="options">The load and thresholds; the documented defaults when null.</param>
public sealed class ReplayDrill(ReplayOptions? options = null)
    : Drill<ReplayOptions>(new("replay", "Replay", "If a bug corrupted the data last Tuesday, can we replay the event log to fix the state, or is the data lost forever? (Event Sourcing.)", ["13 Event Sourcing", "12 CQRS"]), options)
{
    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        await context.RequireTargetAnswersAsync(ShopPaths.Live, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        using var http = context.CreateClient(Options.RequestTimeout);

        // The "before" picture is only meaningful once every write already made is in the read models.
        var projections = await WaitForCatchUpAsync(http, context, cancellationToken).ConfigureAwait(false);
        var before = new List<string>();
        foreach (var path in Options.ReadPaths)
        {
            before.Add(await ReadAsync(http, path, cancellationToken).ConfigureAwait(false));
        }

        var replays = new List<ProjectionReplay>();
        foreach (var projection in projections)
        {
            replays.Add(await RebuildAsync(http, context, projection.Name, before[0], cancellationToken).ConfigureAwait(false));
        }

        var different = new List<string>();
        for (var i = 0; i < Options.ReadPaths.Count; i++)
        {
            if (!string.Equals(before[i], await ReadAsync(http, Options.ReadPaths[i], cancellationToken).ConfigureAwait(false), StringComparison.Ordinal))
            {
                different.Add(Options.ReadPaths[i]);
            }
        }

        return ReplayJudge.Judge(new ReplayMeasurement(replays, [.. Options.ReadPaths], different, Options.MaxRebuild));
    }

    private async Task<IReadOnlyList<ProjectionState>> WaitForCatchUpAsync(HttpClient http, DrillContext context, CancellationToken cancellationToken)
    {
        var started = context.TimeProvider.GetTimestamp();
        while (true)
        {
            using var response = await http.GetAsync(Options.ProjectionsPath, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new DrillPreconditionException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"GET {Options.ProjectionsPath} answered {(int)response.StatusCode}: map MapBulwarkProjections there and pass a key allowed to use it (--api-key)."));
            }

            var states = await response.Content.ReadFromJsonAsync<List<ProjectionState>>(cancellationToken).ConfigureAwait(false) ?? [];
            if (states.All(s => s.Lag == 0) || context.TimeProvider.GetElapsedTime(started) > Options.CatchUpTimeout)
            {
                return states;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), context.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ProjectionReplay> RebuildAsync(HttpClient http, DrillContext context, string name, string live, CancellationToken cancellationToken)
    {
        using var probing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var probe = ProbeAsync(http, context, live, probing.Token);
        var started = context.TimeProvider.GetTimestamp();
        int status;
        long position = 0;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{Options.ProjectionsPath}/{Uri.EscapeDataString(name)}/rebuild");
            // The rebuild may take longer than the target's default request budget: give it the drill's own timeout.
            var deadline = context.TimeProvider.GetUtcNow().Add(Options.RequestTimeout).ToUnixTimeMilliseconds();
            request.Headers.TryAddWithoutValidation("X-Deadline", deadline.ToString(CultureInfo.InvariantCulture));
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                position = (await response.Content.ReadFromJsonAsync<ProjectionState>(cancellationToken).ConfigureAwait(false))?.Position ?? 0;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            status = 0;
        }

        var duration = context.TimeProvider.GetElapsedTime(started);
        await probing.CancelAsync().ConfigureAwait(false);
        var (reads, different) = await probe.ConfigureAwait(false);
        return new ProjectionReplay(name, status, position, duration, reads, different);
    }

    private async Task<(int Reads, int Different)> ProbeAsync(HttpClient http, DrillContext context, string live, CancellationToken cancellationToken)
    {
        var reads = 0;
        var different = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var seen = await ReadAsync(http, Options.ReadPaths[0], cancellationToken).ConfigureAwait(false);
                reads++;
                if (!string.Equals(seen, live, StringComparison.Ordinal))
                {
                    different++;
                }

                await Task.Delay(Options.ProbeInterval, context.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The rebuild ended.
        }

        return (reads, different);
    }

    private static async Task<string> ReadAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(path, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? body : string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}: {body}");
        }
        catch (HttpRequestException e)
        {
            return "no answer: " + e.Message;
        }
    }

    private sealed record ProjectionState(string Name, long Position, long Lag);
}
