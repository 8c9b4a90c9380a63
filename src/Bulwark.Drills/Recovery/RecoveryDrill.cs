using System.ComponentModel.DataAnnotations;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;
using Bulwark.Drills.Switches;
using Bulwark.ShopClient;

namespace Bulwark.Drills.Recovery;

/// <summary>
/// Recovery: takes a dependency down under steady client load, brings it back, and counts the requests that reach it
/// right after — a retry storm shows up as many dependency requests per client call.
/// </summary>
public sealed class RecoveryDrill : IDrill
{
    private readonly RecoveryOptions _options;

    /// <summary>Creates the drill.</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public RecoveryDrill(RecoveryOptions? options = null)
    {
        _options = options ?? new RecoveryOptions();
        Validator.ValidateObject(_options, new ValidationContext(_options), validateAllProperties: true);
    }

    /// <inheritdoc />
    public string Name => "recovery";

    /// <inheritdoc />
    public string Title => "Recovery";

    /// <inheritdoc />
    public string Question => "When the database comes back online after an outage, does it immediately crash again due to a retry storm? (Backoff & Jitter.)";

    /// <inheritdoc />
    public IReadOnlyList<string> Patterns { get; } = ["03 Backoff + Jitter", "01 Circuit Breaker"];

    /// <inheritdoc />
    public async Task ArrangeAsync(DrillContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await context.RequireTargetAnswersAsync(ShopPaths.Live, cancellationToken).ConfigureAwait(false);
        var dependency = context.RequireDependency(_options.Dependency, "pass --payment-control http://127.0.0.1:5101 (the provider's control endpoint).");
        if (dependency is not IRequestCountingDependency)
        {
            throw new DrillPreconditionException($"The '{_options.Dependency}' switch ({dependency.Description}) cannot count requests; Recovery needs a stand-in's control endpoint.");
        }

        await dependency.BreakAsync(DependencyFault.Down, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DrillVerdict> ExerciseAsync(DrillContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var dependency = context.Dependencies[_options.Dependency];
        var counter = (IRequestCountingDependency)dependency;
        var total = _options.Outage + _options.RecoveryWindow;
        var time = context.TimeProvider;
        var started = time.GetTimestamp();
        var calls = context.Load.RunAsync(
            new LoadOptions
            {
                DefaultHeaders = context.DefaultHeaders,
                Target = context.Target,
                Mode = LoadMode.OpenLoop,
                RatePerSecond = _options.ClientRatePerSecond,
                MaxRequests = (int)Math.Min(LoadOptions.RequestCap, Math.Ceiling(_options.ClientRatePerSecond * total.TotalSeconds)),
                MaxDuration = total,
                RequestTimeout = _options.RequestTimeout,
            },
            _ => LoadRequest.PostJsonWithFreshKey(_options.CallPath, _options.CallJson, "call"),
            cancellationToken);

        await Task.Delay(_options.Outage, time, cancellationToken).ConfigureAwait(false);
        var before = await counter.GetRequestCountAsync(cancellationToken).ConfigureAwait(false);
        await dependency.RestoreAsync(cancellationToken).ConfigureAwait(false);
        var restoredAt = time.GetElapsedTime(started);
        var result = await calls.ConfigureAwait(false);
        var after = await counter.GetRequestCountAsync(cancellationToken).ConfigureAwait(false);

        // The load generator's clock started a moment before ours: its offsets are at most that moment early.
        var duringOutage = result.Samples.Where(s => s.Offset < restoredAt && s.Failure != LoadFailure.Dropped).ToList();
        var afterRestore = result.Samples.Where(s => s.Offset >= restoredAt && s.Failure != LoadFailure.Dropped).ToList();
        var firstSuccess = afterRestore
            .Concat(duringOutage)
            .Where(s => s.StatusCode is >= 200 and < 300)
            .Select(s => s.Offset + s.Latency - restoredAt)
            .Where(t => t >= TimeSpan.Zero)
            .DefaultIfEmpty(TimeSpan.MinValue)
            .Min();
        var measured = new RecoveryMeasurements(
            duringOutage.Count,
            duringOutage.Count(s => s.StatusCode is < 200 or >= 300),
            afterRestore.Count,
            after - before,
            firstSuccess == TimeSpan.MinValue ? null : firstSuccess);
        return RecoveryJudge.Judge(measured, _options);
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
