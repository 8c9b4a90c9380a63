using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Bulwark.Drills.Customers;
using Bulwark.Drills.Model;
using Bulwark.Drills.Switches;
using Bulwark.ShopClient;

namespace Bulwark.Drills.DoubleClick;

/// <summary>
/// Double-Click: fires the same unsafe request several times at once with one idempotency key, then the key with
/// another body, and checks that exactly one effect happened (and, with a counting dependency, one downstream call).
/// </summary>
public sealed class DoubleClickDrill : Drill<DoubleClickOptions>
{
    private long? _dependencyBefore;
    private DrillCustomer? _customer;

    /// <summary>Creates the drill.</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public DoubleClickDrill(DoubleClickOptions? options = null)
        : base(new("double-click", "Double-Click", "What happens if I send the exact same API request 10 times in 10 milliseconds? (Idempotency.)", ["15 Idempotency", "14 Saga"]), options)
    {
    }

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        await context.RequireTargetAnswersAsync(ShopPaths.Live, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(Options.SignUpPath))
        {
            using var http = new HttpClient { BaseAddress = context.Target, Timeout = Options.RequestTimeout };
            _customer = await DrillCustomer.SignUpAsync(http, Options.SignUpPath, Options.SignInPath, context.DefaultHeaders, cancellationToken).ConfigureAwait(false);
        }

        // Optional: with the payment provider's control endpoint the drill also counts charges.
        if (context.Dependencies.Values.OfType<IRequestCountingDependency>().FirstOrDefault() is { } counter)
        {
            _dependencyBefore = await counter.GetRequestCountAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Options.Copies })
        {
            BaseAddress = context.Target,
            Timeout = Options.RequestTimeout,
        };
        var key = "drill-double-click-" + Guid.NewGuid().ToString("N");

        // A barrier so the copies leave together, like an impatient double (or tenfold) click.
        using var gate = new SemaphoreSlim(0);
        var copies = Enumerable.Range(0, Options.Copies).Select(async _ =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            return await SendAsync(http, context, key, Options.Json, cancellationToken).ConfigureAwait(false);
        }).ToArray();
        gate.Release(Options.Copies);
        var answers = await Task.WhenAll(copies).ConfigureAwait(false);

        var reused = await SendAsync(http, context, key, Options.OtherJson, cancellationToken).ConfigureAwait(false);
        var resources = answers.Where(a => a.Status is >= 200 and < 300).Select(a => a.Resource).Distinct(StringComparer.Ordinal).Count();

        long? dependencyRequests = null;
        if (_dependencyBefore is { } before && context.Dependencies.Values.OfType<IRequestCountingDependency>().FirstOrDefault() is { } counter)
        {
            // The effect (e.g. a charge) may run in the background after the 202: give it time to happen, or to happen twice.
            await Task.Delay(Options.SettleFor, context.TimeProvider, cancellationToken).ConfigureAwait(false);
            dependencyRequests = await counter.GetRequestCountAsync(cancellationToken).ConfigureAwait(false) - before;
        }

        return DoubleClickJudge.Judge(new DoubleClickMeasurement(
            Options.Copies,
            [.. answers.Select(a => a.Status)],
            resources,
            reused.Status,
            dependencyRequests));
    }

    private async Task<(int Status, string Resource)> SendAsync(HttpClient http, DrillContext context, string key, string json, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Options.Path)
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation(Options.KeyHeader, key);
        _customer?.Authorize(request);
        context.AddDefaultHeaders(request);

        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            // The resource a copy created: its Location when there is one, else its body.
            var resource = response.Headers.Location?.ToString() ?? body;
            return ((int)response.StatusCode, resource);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (0, string.Create(CultureInfo.InvariantCulture, $"no answer: {e.GetType().Name}"));
        }
    }
}
