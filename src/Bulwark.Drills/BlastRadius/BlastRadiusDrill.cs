using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bulwark.Drills.Edge;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.BlastRadius;

/// <summary>
/// Blast Radius, for canaries (Codex 24): makes the canary slot's payment calls fail (through its own payment
/// stand-in's fault controls), starts it as a canary at the edge and sends customers through the edge until the edge's
/// own analysis decides. Passes when the analysis rolled it back by itself and under the limit of all customer
/// requests saw an error. Needs the edge's operator key (<c>--api-key</c>).
/// </summary>
public sealed class BlastRadiusDrill : Drill<BlastRadiusOptions>
{
    private bool _started;

    /// <summary>Creates the drill.</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public BlastRadiusDrill(BlastRadiusOptions? options = null)
        : base(new("blast-radius", "Blast Radius (Canary)", "If the new version is bad, how many customers see it before it is rolled back?", ["24 Canary Release"]), options)
    {
    }

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        using var edge = new EdgeOperator(context, TimeSpan.FromSeconds(30));
        var state = (await edge.ReleaseAsync(cancellationToken).ConfigureAwait(false)).GetProperty("state");
        if (string.Equals(state.GetProperty("phase").GetString(), "Progressing", StringComparison.Ordinal))
        {
            throw new DrillPreconditionException("A canary is already in progress; promote or roll it back first (bulwark edge rollback).");
        }

        await PaymentFaultsAsync(HttpMethod.Put, new { errorRate = Options.PaymentErrorRate, errorStatus = Options.PaymentErrorStatus }, cancellationToken).ConfigureAwait(false);
        var start = await edge.SendAsync(HttpMethod.Post, "/edge/release/canary", new { slot = Options.Canary }, cancellationToken).ConfigureAwait(false);
        if (start.Status != 200)
        {
            throw new DrillPreconditionException($"Starting the canary '{Options.Canary}' answered {start.Status}: {start.Detail}");
        }

        _started = true;
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        using var edge = new EdgeOperator(context, TimeSpan.FromSeconds(30));
        var time = context.TimeProvider;
        var load = new EdgeCustomerLoad();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = load.RunAsync(context.Target, Options.Workers, Options.Customers, Request, Options.MaxRequests, stop.Token);
        var started = time.GetTimestamp();
        JsonElement release;
        try
        {
            // The edge's analysis runs on its own interval; the drill only watches for its decision.
            do
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
                release = await edge.ReleaseAsync(cancellationToken).ConfigureAwait(false);
            }
            while (string.Equals(release.GetProperty("state").GetProperty("phase").GetString(), "Progressing", StringComparison.Ordinal)
                && time.GetElapsedTime(started) < Options.MaxDuration);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await running.ConfigureAwait(false);
        }

        var seconds = time.GetElapsedTime(started).TotalSeconds;
        // Read again after the load stopped, so the edge's counts include every request the drill sent.
        release = await edge.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        var phase = release.GetProperty("state").GetProperty("phase").GetString() ?? "?";
        var decisions = release.GetProperty("decisions").EnumerateArray().Select(d => d.GetProperty("action").GetString() ?? "?").ToList();
        var sinceStart = decisions.Skip(Math.Max(0, decisions.LastIndexOf("canary-start") + 1)).ToList();
        var blast = release.GetProperty("blastRadius");
        return BlastRadiusJudge.Judge(new BlastRadiusMeasurements(
            Options.Canary,
            phase,
            // The analysis logs "RollBack"; an operator's rollback is "rollback".
            phase == "RolledBack" && sinceStart.Contains("RollBack", StringComparer.Ordinal),
            sinceStart,
            blast.GetProperty("requests").GetInt64(),
            blast.GetProperty("errors").GetInt64(),
            load.Requests,
            load.Failures,
            seconds,
            load.FailureSamples), Options);

        HttpRequestMessage Request(long n, string customer)
        {
            HttpRequestMessage request;
            if (n % Options.ChargeEvery == 0)
            {
                request = new HttpRequestMessage(HttpMethod.Post, new Uri(Options.ChargePath, UriKind.Relative))
                {
                    Content = new StringContent(Options.ChargeJson, Encoding.UTF8, "application/json"),
                };
                request.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture));
            }
            else
            {
                request = new HttpRequestMessage(HttpMethod.Get, new Uri(Options.BrowsePath, UriKind.Relative));
            }

            if (Options.ShopApiKey is { } key)
            {
                request.Headers.TryAddWithoutValidation("X-Api-Key", key);
            }

            return request;
        }
    }

    /// <inheritdoc />
    protected override async Task RestoreCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        await PaymentFaultsAsync(HttpMethod.Delete, null, cancellationToken).ConfigureAwait(false);
        if (!_started)
        {
            return;
        }

        using var edge = new EdgeOperator(context, TimeSpan.FromSeconds(30));
        var phase = (await edge.ReleaseAsync(cancellationToken).ConfigureAwait(false)).GetProperty("state").GetProperty("phase").GetString();
        if (string.Equals(phase, "Progressing", StringComparison.Ordinal))
        {
            // The analysis did not decide in time: nobody stays on the bad build after the drill.
            _ = await edge.SendAsync(HttpMethod.Post, "/edge/release/canary/rollback", null, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PaymentFaultsAsync(HttpMethod method, object? body, CancellationToken cancellationToken)
    {
        using var client = LoopbackHttp.CreateClient(LoopbackTarget.Parse(Options.CanaryPaymentControl), TimeSpan.FromSeconds(5));
        using var request = new HttpRequestMessage(method, new Uri("/_control/faults", UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        try
        {
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new DrillPreconditionException($"{method} /_control/faults on {Options.CanaryPaymentControl} answered {(int)response.StatusCode}.");
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new DrillPreconditionException($"The canary's payment stand-in at {Options.CanaryPaymentControl} does not answer ({e.Message}); start it (deploy/edge/start.sh green does).", e);
        }
    }
}
