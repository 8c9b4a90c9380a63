using System.Text.Json;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.StranglerZombie;

/// <summary>
/// Zombie, for the strangler fig (Codex 07): proves a strangled route's legacy side dead before anyone removes it.
/// Sends customer traffic through the edge for a while and reads the edge's per-route legacy hits and its own verdict
/// (no legacy request for the configured window). Needs the edge's operator key (<c>--api-key</c>).
/// </summary>
/// <param name="options">The load and thresholds; the documented defaults when null.</param>
public sealed class StranglerZombieDrill(StranglerZombieOptions? options = null)
    : Drill<StranglerZombieOptions>(new("strangler-zombie", "Zombie (Strangler Fig)", "Do we have a plan to finish the migration, or will we be running the Strangler Fig pattern for 5 years?", ["07 Strangler Fig"]), options)
{
    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        _ = await RouteAsync(context, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var before = await RouteAsync(context, cancellationToken).ConfigureAwait(false);
        // Customer requests carry no operator key: the edge forwards them to a backend.
        using var customer = LoopbackHttp.CreateClient(context.Target, TimeSpan.FromSeconds(5));
        var time = context.TimeProvider;
        int requests = 0, failures = 0;
        var started = time.GetTimestamp();
        while (time.GetElapsedTime(started) < Options.ObserveFor)
        {
            requests++;
            try
            {
                using var response = await customer.GetAsync(new Uri(Options.CustomerPath, UriKind.Relative), cancellationToken).ConfigureAwait(false);
                failures += response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                failures++;
            }

            await Task.Delay(Options.PollInterval, time, cancellationToken).ConfigureAwait(false);
        }

        var after = await RouteAsync(context, cancellationToken).ConfigureAwait(false);
        var zombie = after.GetProperty("zombie");
        return StranglerZombieJudge.Judge(new StranglerZombieMeasurements(
            Options.Route,
            after.GetProperty("target").GetString() ?? "?",
            LegacyHits(after) - LegacyHits(before),
            requests,
            failures,
            zombie.GetProperty("state").GetString() ?? "?",
            zombie.GetProperty("reason").GetString() ?? string.Empty));
    }

    private static long LegacyHits(JsonElement route) => route.GetProperty("legacy").GetProperty("hits").GetInt64();

    private async Task<JsonElement> RouteAsync(DrillContext context, CancellationToken cancellationToken)
    {
        using var client = LoopbackHttp.CreateClient(context.Target, TimeSpan.FromSeconds(5));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Options.StatusPath, UriKind.Relative));
        context.AddDefaultHeaders(request);

        try
        {
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new DrillPreconditionException($"GET {Options.StatusPath} on {context.Target} answered {(int)response.StatusCode}; is it the edge, and did you pass its operator key with --api-key?");
            }

            using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
            foreach (var route in document.RootElement.GetProperty("routes").EnumerateArray())
            {
                if (string.Equals(route.GetProperty("name").GetString(), Options.Route, StringComparison.OrdinalIgnoreCase))
                {
                    return route.Clone();
                }
            }

            throw new DrillPreconditionException($"The edge at {context.Target} has no strangled route '{Options.Route}'.");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new DrillPreconditionException($"{context.Target} does not answer GET {Options.StatusPath} ({e.Message}); is the edge running? e.g. dotnet run --project shop/Shop.Edge", e);
        }
    }
}
