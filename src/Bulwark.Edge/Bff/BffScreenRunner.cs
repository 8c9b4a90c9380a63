using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.AspNetCore.Problems;
using Bulwark.Resilience.Degradation;
using Bulwark.Resilience.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bulwark.Edge.Bff;

/// <summary>
/// Answers one BFF screen: the BFF's own rate limit, then every part at once on <see cref="ResponseComposer"/> with its
/// own timeout; an optional part that fails or is slow is named in <c>degraded</c> and the screen still answers 200,
/// a critical one answers 503.
/// </summary>
internal sealed class BffScreenRunner(
    IRateLimitDecider limiter,
    ResponseComposer composer,
    IHttpClientFactory clients,
    IOptionsMonitor<EdgeOptions> edge,
    IOptionsMonitor<BffOptions> bffs,
    BffRegistry registry,
    EdgeMetrics metrics,
    TimeProvider timeProvider)
{
    private static readonly JsonSerializerOptions Compact = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public async Task<IResult> RunAsync(string bff, IReadOnlyList<BffScreen> versions, HttpContext context)
    {
        var options = bffs.Get(bff);
        var cancellationToken = context.RequestAborted;
        var screen = Live(options, versions);
        // Which version answered: the frontend's team sees its release reach customers, and back again on a rollback.
        context.Response.Headers["X-Bff-Screen-Version"] = screen.Version;

        // Its own policy name, so each BFF's clients are counted apart: a phone that spends its budget leaves the browser's alone.
        var client = "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        var decision = await limiter.DecideAsync("bff:" + bff, options.RateLimit, client, cancellationToken).ConfigureAwait(false);
        if (!decision.IsAllowed)
        {
            Count(bff, screen, "limited");
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(decision.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return ProblemResults.Create(StatusCodes.Status429TooManyRequests, "Too many requests",
                $"The {bff} BFF allows {options.RateLimit.PermitLimit} screens per {options.RateLimit.Window} per client; retry after the Retry-After delay.");
        }

        var credentialHeaders = options.CredentialHeaders.Where(h => context.Request.Headers.ContainsKey(h)).ToList();
        var hasCredentials = credentialHeaders.Count > 0;
        var anonymous = new BffCall(clients, edge, registry, bff, context, []);
        var personal = new BffCall(clients, edge, registry, bff, context, credentialHeaders);

        using var composition = composer.Begin($"bff-{bff}-{screen.Name}", cancellationToken);
        var started = new List<(string Name, ComposedPart<JsonNode?> Part)>(screen.Parts.Count);
        foreach (var part in screen.Parts)
        {
            var timeout = options.Parts.GetValueOrDefault(part.Name)?.Timeout ?? part.Timeout ?? options.PartTimeout;
            switch (part.Kind)
            {
                case BffPartKind.Critical:
                    started.Add((part.Name, composition.Critical<JsonNode?>(part.Name, ct => WithTimeoutAsync(part, anonymous, timeout, ct))));
                    break;
                case BffPartKind.Optional:
                    started.Add((part.Name, composition.Optional<JsonNode?>(part.Name, ct => part.Fetch(anonymous, ct), timeout: timeout)));
                    break;
                case BffPartKind.Personal when hasCredentials:
                    started.Add((part.Name, composition.Optional<JsonNode?>(part.Name, ct => part.Fetch(personal, ct), timeout: timeout)));
                    break;
                default:
                    // A personal part without credentials: nothing to show and nothing missing.
                    break;
            }
        }

        IReadOnlyList<string> degraded;
        try
        {
            degraded = await composition.CompleteAsync().ConfigureAwait(false);
        }
        catch (CriticalPartFailedException failed)
        {
            Count(bff, screen, "failed");
            context.Response.Headers.RetryAfter = "1";
            return ProblemResults.Create(StatusCodes.Status503ServiceUnavailable, "Screen unavailable",
                $"The {bff} {screen.Name} screen cannot be shown without its '{failed.Part}' part, which failed or was too slow; try again shortly.",
                new Dictionary<string, object?>(StringComparer.Ordinal) { ["part"] = failed.Part });
        }

        var values = started.ToDictionary(p => p.Name, p => p.Part.IsDegraded ? null : p.Part.Value, StringComparer.OrdinalIgnoreCase);
        var body = screen.Shape(new BffParts(values, degraded, hasCredentials));
        body["degraded"] = new JsonArray([.. degraded.Select(d => JsonValue.Create(d))]);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, Compact);

        Count(bff, screen, degraded.Count > 0 ? "degraded" : "whole");
        metrics.BffScreenBytes.Record(bytes.Length, new("bff", bff), new("screen", screen.Name));
        // A screen may hold the caller's own data: no shared cache may keep it, whoever asked.
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Bytes(bytes, "application/json");
    }

    private static BffScreen Live(BffOptions options, IReadOnlyList<BffScreen> versions)
    {
        var first = versions[0];
        return options.Screens.TryGetValue(first.Name, out var live)
            ? versions.FirstOrDefault(v => string.Equals(v.Version, live, StringComparison.OrdinalIgnoreCase)) ?? first
            : first;
    }

    // The composer bounds optional parts by their timeout; a critical part gets the same bound here, so a hung backend
    // answers 503 at the part's limit rather than at the request's deadline.
    private async Task<JsonNode?> WithTimeoutAsync(BffPart part, BffCall call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await part.Fetch(call, linked.Token).WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The critical part '{part.Name}' did not answer within {timeout}.");
        }
    }

    private void Count(string bff, BffScreen screen, string outcome) =>
        metrics.BffScreens.Add(1, new("bff", bff), new("screen", screen.Name), new("outcome", outcome));
}
