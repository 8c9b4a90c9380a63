using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Bulwark.Drills.Load;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Ddos;

/// <summary>
/// DDoS: one API key bursts open-loop while quiet keys browse; the excess must get 429 with <c>Retry-After</c> and
/// the quiet keys must not notice. Needs no fault: the load is the fault.
/// </summary>
public sealed class DdosDrill : IDrill
{
    private readonly DdosOptions _options;

    /// <summary>Creates the drill.</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public DdosDrill(DdosOptions? options = null)
    {
        _options = options ?? new DdosOptions();
        Validator.ValidateObject(_options, new ValidationContext(_options), validateAllProperties: true);
    }

    /// <inheritdoc />
    public string Name => "ddos";

    /// <inheritdoc />
    public string Title => "DDoS";

    /// <inheritdoc />
    public string Question => "If one user sends 10,000 requests/second, do they take down the system for everyone else? (Rate Limiting.)";

    /// <inheritdoc />
    public IReadOnlyList<string> Patterns { get; } = ["05 Rate Limiting", "02 Bulkhead"];

    /// <inheritdoc />
    public Task ArrangeAsync(DrillContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.RequireTargetAnswersAsync(_options.Path, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<DrillVerdict> ExerciseAsync(DrillContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var baseline = await RunQuietAsync(context, _options.BaselineDuration, cancellationToken).ConfigureAwait(false);
        var noisyRequest = new LoadRequest(HttpMethod.Get, _options.Path, "noisy")
        {
            Headers = new Dictionary<string, string> { [_options.ApiKeyHeader] = _options.NoisyKey },
        };
        var noisy = context.Load.RunAsync(
            new LoadOptions
            {
                Target = context.Target,
                Mode = LoadMode.OpenLoop,
                RatePerSecond = _options.NoisyRatePerSecond,
                MaxInFlight = 256,
                MaxRequests = (int)Math.Min(LoadOptions.RequestCap, Math.Ceiling(_options.NoisyRatePerSecond * _options.Duration.TotalSeconds)),
                MaxDuration = _options.Duration,
                RequestTimeout = _options.RequestTimeout,
            },
            _ => noisyRequest,
            cancellationToken);
        var quiet = RunQuietAsync(context, _options.Duration, cancellationToken);
        await Task.WhenAll(noisy, quiet).ConfigureAwait(false);

        var noisyResult = await noisy.ConfigureAwait(false);
        var measured = new DdosMeasurements(
            baseline.Statistics,
            (await quiet.ConfigureAwait(false)).Statistics,
            noisyResult.Statistics,
            noisyResult.Samples.Count(s => s.StatusCode == 429 && s.HasRetryAfter),
            noisyResult.Elapsed.TotalSeconds);
        return DdosJudge.Judge(measured, _options);
    }

    /// <inheritdoc />
    public Task RestoreAsync(DrillContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    private Task<LoadResult> RunQuietAsync(DrillContext context, TimeSpan duration, CancellationToken cancellationToken)
    {
        var requests = Enumerable.Range(1, _options.QuietCallers)
            .Select(i => new LoadRequest(HttpMethod.Get, _options.Path, "quiet")
            {
                Headers = new Dictionary<string, string> { [_options.ApiKeyHeader] = "drill-quiet-" + i.ToString(CultureInfo.InvariantCulture) },
            })
            .ToArray();
        return context.Load.RunAsync(
            new LoadOptions
            {
                Target = context.Target,
                Mode = LoadMode.OpenLoop,
                RatePerSecond = _options.QuietCallers * _options.QuietRatePerSecond,
                MaxRequests = (int)Math.Min(LoadOptions.RequestCap, Math.Ceiling(_options.QuietCallers * _options.QuietRatePerSecond * duration.TotalSeconds)),
                MaxDuration = duration,
                RequestTimeout = _options.RequestTimeout,
            },
            i => requests[i % requests.Length],
            cancellationToken);
    }
}
