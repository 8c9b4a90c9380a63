using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.ShopClient;

namespace Bulwark.Drills.PlugPull;

/// <summary>
/// Plug-Pull: pulls a dependency's plug (the payment provider by default) and checks that browsing still answers
/// 200 quickly while the calls that need the dependency fail fast with 503 instead of hanging.
/// </summary>
/// <param name="options">The load and thresholds; the documented defaults when null.</param>
public sealed class PlugPullDrill(PlugPullOptions? options = null)
    : Drill<PlugPullOptions>(new("plug-pull", "Plug-Pull", "If I unplug the network cable for the Payment Service, does the Browse Products page still load? (It should.)", ["01 Circuit Breaker", "02 Bulkhead", "04 Graceful Degradation", "06 Timeout Budgets"]), options)
{
    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        await context.RequireTargetAnswersAsync(ShopPaths.Products(), cancellationToken).ConfigureAwait(false);
        var dependency = context.RequireDependency(Options.Dependency, "pass --payment-control http://127.0.0.1:5101 (the provider's control endpoint).");
        await dependency.BreakAsync(Options.Fault, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var browse = context.Load.RunAsync(
            new LoadOptions
            {
                DefaultHeaders = context.DefaultHeaders,
                Target = context.Target,
                Mode = LoadMode.OpenLoop,
                RatePerSecond = Options.BrowseRatePerSecond,
                MaxInFlight = 256,
                MaxRequests = Options.BrowseMaxRequests,
                MaxDuration = Options.Duration,
                RequestTimeout = Options.RequestTimeout,
            },
            i => i % 2 == 0
                ? LoadRequest.Get(ShopPaths.Products(), "browse")
                : LoadRequest.Get(ShopPaths.Product(1 + (i / 2 % Options.ProductCount)), "browse"),
            cancellationToken);
        var payments = context.Load.RunAsync(
            new LoadOptions
            {
                DefaultHeaders = context.DefaultHeaders,
                Target = context.Target,
                Concurrency = Options.PaymentConcurrency,
                MaxRequests = Options.PaymentMaxRequests,
                MaxDuration = Options.Duration,
                RequestTimeout = Options.RequestTimeout,
            },
            _ => LoadRequest.PostJsonWithFreshKey(Options.ChargePath, Options.ChargeJson, "payments"),
            cancellationToken);
        await Task.WhenAll(browse, payments).ConfigureAwait(false);

        var paymentResult = await payments.ConfigureAwait(false);
        var measured = new PlugPullMeasurements(
            (await browse.ConfigureAwait(false)).Statistics,
            paymentResult.Statistics,
            paymentResult.Samples.Count(s => s.StatusCode == 503 && s.HasRetryAfter));
        return PlugPullJudge.Judge(measured, Options);
    }

    /// <inheritdoc />
    protected override Task RestoreCoreAsync(DrillContext context, CancellationToken cancellationToken) =>
        RestoreDependenciesAsync(context, cancellationToken, Options.Dependency);
}
