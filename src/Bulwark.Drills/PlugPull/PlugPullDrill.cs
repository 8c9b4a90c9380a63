using System.ComponentModel.DataAnnotations;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.ShopClient;

namespace Bulwark.Drills.PlugPull;

/// <summary>
/// Plug-Pull: pulls a dependency's plug (the payment provider by default) and checks that browsing still answers
/// 200 quickly while the calls that need the dependency fail fast with 503 instead of hanging.
/// </summary>
public sealed class PlugPullDrill : IDrill
{
    private readonly PlugPullOptions _options;

    /// <summary>Creates the drill.</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public PlugPullDrill(PlugPullOptions? options = null)
    {
        _options = options ?? new PlugPullOptions();
        Validator.ValidateObject(_options, new ValidationContext(_options), validateAllProperties: true);
    }

    /// <inheritdoc />
    public string Name => "plug-pull";

    /// <inheritdoc />
    public string Title => "Plug-Pull";

    /// <inheritdoc />
    public string Question => "If I unplug the network cable for the Payment Service, does the Browse Products page still load? (It should.)";

    /// <inheritdoc />
    public IReadOnlyList<string> Patterns { get; } = ["01 Circuit Breaker", "02 Bulkhead", "04 Graceful Degradation", "06 Timeout Budgets"];

    /// <inheritdoc />
    public async Task ArrangeAsync(DrillContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await context.RequireTargetAnswersAsync(ShopPaths.Products(), cancellationToken).ConfigureAwait(false);
        var dependency = context.RequireDependency(_options.Dependency, "pass --payment-control http://127.0.0.1:5101 (the provider's control endpoint).");
        await dependency.BreakAsync(_options.Fault, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DrillVerdict> ExerciseAsync(DrillContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var browse = context.Load.RunAsync(
            new LoadOptions
            {
                DefaultHeaders = context.DefaultHeaders,
                Target = context.Target,
                Mode = LoadMode.OpenLoop,
                RatePerSecond = _options.BrowseRatePerSecond,
                MaxInFlight = 256,
                MaxRequests = _options.BrowseMaxRequests,
                MaxDuration = _options.Duration,
                RequestTimeout = _options.RequestTimeout,
            },
            i => i % 2 == 0
                ? LoadRequest.Get(ShopPaths.Products(), "browse")
                : LoadRequest.Get(ShopPaths.Product(1 + (i / 2 % _options.ProductCount)), "browse"),
            cancellationToken);
        var payments = context.Load.RunAsync(
            new LoadOptions
            {
                DefaultHeaders = context.DefaultHeaders,
                Target = context.Target,
                Concurrency = _options.PaymentConcurrency,
                MaxRequests = _options.PaymentMaxRequests,
                MaxDuration = _options.Duration,
                RequestTimeout = _options.RequestTimeout,
            },
            _ => LoadRequest.PostJsonWithFreshKey(_options.ChargePath, _options.ChargeJson, "payments"),
            cancellationToken);
        await Task.WhenAll(browse, payments).ConfigureAwait(false);

        var paymentResult = await payments.ConfigureAwait(false);
        var measured = new PlugPullMeasurements(
            (await browse.ConfigureAwait(false)).Statistics,
            paymentResult.Statistics,
            paymentResult.Samples.Count(s => s.StatusCode == 503 && s.HasRetryAfter));
        return PlugPullJudge.Judge(measured, _options);
    }

    /// <inheritdoc />
    public async Task RestoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Dependencies.TryGetValue(_options.Dependency, out var dependency))
        {
            await dependency.RestoreAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
