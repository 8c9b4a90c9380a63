using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.DatabaseSwap;

/// <summary>
/// Database Swap (Codex 10, Hexagonal; structure checklist question 5): the same build of the shop runs on two data
/// providers, the target as it runs and a second one on the other database. Arrange checks from their readiness and
/// release reports that they really are one build on two providers; the drill then runs the same customer journey on
/// each (browse, sign up and in, a wallet deposit and its replay, an order and its replay, read back, bad inputs) and
/// compares every status and every business value of the answers, per-run values (ids, times, tokens) normalised. If
/// only the adapters changed, nothing differs.
/// </summary>
/// <param name="options">The second shop, the journey's product and bounds; the documented defaults when null.</param>
public sealed class DatabaseSwapDrill(DatabaseSwapOptions? options = null)
    : Drill<DatabaseSwapOptions>(new("database-swap", "Database Swap", "If we decided to switch from MySQL to MongoDB next year, how much business logic would we have to rewrite?", ["10 Hexagonal Architecture (Ports & Adapters)"]), options)
{
    /// <summary>The name of the second shop on the command line (<c>--dependency swapped=URL</c>).</summary>
    public const string Dependency = "swapped";

    private ShopIdentity? _target;
    private ShopIdentity? _swapped;

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var swapped = Options.SwappedUrl is { } url
            ? LoopbackTarget.Ensure(url)
            : throw new DrillSkippedException($"needs the same build of the shop on the other database: start it (e.g. dotnet run --project shop/Shop.Host -- --urls=http://127.0.0.1:5110 --Shop:Data:Provider=Postgres --Shop:Data:ConnectionString=...) and pass --dependency {Dependency}=http://127.0.0.1:5110.");
        if (Uri.Compare(context.Target, swapped, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
        {
            throw new DrillPreconditionException($"The swapped shop {swapped} is the target itself: start a second shop on the other database.");
        }

        _target = await IdentifyAsync(context, context.Target, "target", cancellationToken).ConfigureAwait(false);
        _swapped = await IdentifyAsync(context, swapped, "swapped shop", cancellationToken).ConfigureAwait(false);
        if (DatabaseSwapJudge.NotASwap(_target, _swapped) is { } notASwap)
        {
            throw new DrillPreconditionException(notASwap);
        }
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var (target, swapped) = (_target, _swapped) is ({ } t, { } s) ? (t, s) : throw new InvalidOperationException("Arrange did not run.");
        context.Recorder.Phase($"journey on the target ({target.Provider})");
        var onTarget = await JourneyAsync(context, context.Target, cancellationToken).ConfigureAwait(false);
        context.Recorder.Phase($"journey on the swapped shop ({swapped.Provider})");
        var onSwapped = await JourneyAsync(context, Options.SwappedUrl!, cancellationToken).ConfigureAwait(false);
        return DatabaseSwapJudge.Judge(
            new DatabaseSwapMeasurement(target, swapped, onTarget.Steps, onSwapped.Steps, onTarget.Elapsed, onSwapped.Elapsed, onTarget.Requests, onSwapped.Requests),
            Options);
    }

    private async Task<JourneyRun> JourneyAsync(DrillContext context, Uri shop, CancellationToken cancellationToken)
    {
        // The drill's default headers (an operator key for the rate-limit tier) go with every request, on both shops alike.
        using var http = context.CreateClient(Options.RequestTimeout, shop, maxConnectionsPerServer: 2);
        return await new SwapJourney(http, Options, context.TimeProvider, context.Recorder).RunAsync(cancellationToken).ConfigureAwait(false);
    }

    // The provider from the readiness entry of the shop's database ("postgres database shop@127.0.0.1:5432 takes a
    // write"), the build from the release report.
    private async Task<ShopIdentity> IdentifyAsync(DrillContext context, Uri shop, string which, CancellationToken cancellationToken)
    {
        using var http = context.CreateClient(Options.RequestTimeout, shop);
        var ready = await ReadAsync(http, shop, which, Options.ReadinessPath, cancellationToken).ConfigureAwait(false);
        if (ready.Status != 200)
        {
            throw new DrillPreconditionException($"The {which} ({shop}) answered GET {Options.ReadinessPath} with {ready.Status}: it must be ready before its answers are compared.");
        }

        var description = ready.Body?["checks"]?[Options.DatabaseCheck]?["description"] is JsonValue d && d.TryGetValue<string>(out var text) ? text : null;
        var space = description?.IndexOf(' ', StringComparison.Ordinal) ?? -1;
        if (space <= 0)
        {
            throw new DrillPreconditionException($"The {which} ({shop}) names no data provider: GET {Options.ReadinessPath} has no '{Options.DatabaseCheck}' entry whose description starts with the provider (see DatabaseCheck).");
        }

        var release = await ReadAsync(http, shop, which, Options.ReleasePath, cancellationToken).ConfigureAwait(false);
        if (release.Status != 200 || release.Body is not JsonObject status)
        {
            throw new DrillPreconditionException($"The {which} ({shop}) answered GET {Options.ReleasePath} with {release.Status}: the drill reads it to know both shops are one build.");
        }

        return new ShopIdentity(description![..space], Text(status, "releaseId"), Text(status, "commit"), Text(status, "folder") ?? "unknown");
    }

    private static string? Text(JsonObject body, string name) => body[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static async Task<(int Status, JsonNode? Body)> ReadAsync(HttpClient http, Uri shop, string which, string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return ((int)response.StatusCode, JsonNode.Parse(text));
        }
        catch (JsonException)
        {
            throw new DrillPreconditionException($"The {which} ({shop}) answered GET {path} with something other than JSON: is it the shop?");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new DrillPreconditionException($"The {which} ({shop}) does not answer GET {path} ({e.Message}); is it running?", e);
        }
    }
}
