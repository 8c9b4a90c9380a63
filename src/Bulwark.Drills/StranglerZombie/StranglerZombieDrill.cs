using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.StranglerZombie;

/// <summary>
/// Zombie, for the strangler fig (Codex 07): proves a strangled route's legacy side dead before anyone removes it.
/// Sends customer traffic through the edge for a while and reads the edge's per-route legacy hits and its own verdict
/// (no legacy request for the configured window). Needs the edge's operator key (<c>--api-key</c>).
/// </summary>
public sealed class StranglerZombieDrill : IDrill
{
    private readonly StranglerZombieOptions _options;

    /// <summary>Creates the drill.</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public StranglerZombieDrill(StranglerZombieOptions? options = null)
    {
        _options = options ?? new StranglerZombieOptions();
        Validator.ValidateObject(_options, new ValidationContext(_options), validateAllProperties: true);
    }

    /// <inheritdoc />
    public string Name => "strangler-zombie";

    /// <inheritdoc />
    public string Title => "Zombie (Strangler Fig)";

    /// <inheritdoc />
    public string Question => "Do we have a plan to finish the migration, or will we be running the Strangler Fig pattern for 5 years?";

    /// <inheritdoc />
    public IReadOnlyList<string> Patterns { get; } = ["07 Strangler Fig"];

    /// <inheritdoc />
    public async Task ArrangeAsync(DrillContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        _ = await RouteAsync(context, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DrillVerdict> ExerciseAsync(DrillContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var before = await RouteAsync(context, cancellationToken).ConfigureAwait(false);
        // Customer requests carry no operator key: the edge forwards them to a backend.
        using var customer = LoopbackHttp.CreateClient(context.Target, TimeSpan.FromSeconds(5));
        var time = context.TimeProvider;
        int requests = 0, failures = 0;
        var started = time.GetTimestamp();
        while (time.GetElapsedTime(started) < _options.ObserveFor)
        {
            requests++;
            try
            {
                using var response = await customer.GetAsync(new Uri(_options.CustomerPath, UriKind.Relative), cancellationToken).ConfigureAwait(false);
                failures += response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                failures++;
            }

            await Task.Delay(_options.PollInterval, time, cancellationToken).ConfigureAwait(false);
        }

        var after = await RouteAsync(context, cancellationToken).ConfigureAwait(false);
        var zombie = after.GetProperty("zombie");
        return StranglerZombieJudge.Judge(new StranglerZombieMeasurements(
            _options.Route,
            after.GetProperty("target").GetString() ?? "?",
            LegacyHits(after) - LegacyHits(before),
            requests,
            failures,
            zombie.GetProperty("state").GetString() ?? "?",
            zombie.GetProperty("reason").GetString() ?? string.Empty));
    }

    /// <inheritdoc />
    public Task RestoreAsync(DrillContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    private static long LegacyHits(JsonElement route) => route.GetProperty("legacy").GetProperty("hits").GetInt64();

    private async Task<JsonElement> RouteAsync(DrillContext context, CancellationToken cancellationToken)
    {
        using var client = LoopbackHttp.CreateClient(context.Target, TimeSpan.FromSeconds(5));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_options.StatusPath, UriKind.Relative));
        foreach (var (name, value) in context.DefaultHeaders)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new DrillPreconditionException($"GET {_options.StatusPath} on {context.Target} answered {(int)response.StatusCode}; is it the edge, and did you pass its operator key with --api-key?");
            }

            using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
            foreach (var route in document.RootElement.GetProperty("routes").EnumerateArray())
            {
                if (string.Equals(route.GetProperty("name").GetString(), _options.Route, StringComparison.OrdinalIgnoreCase))
                {
                    return route.Clone();
                }
            }

            throw new DrillPreconditionException($"The edge at {context.Target} has no strangled route '{_options.Route}'.");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new DrillPreconditionException($"{context.Target} does not answer GET {_options.StatusPath} ({e.Message}); is the edge running? e.g. dotnet run --project shop/Shop.Edge", e);
        }
    }
}
