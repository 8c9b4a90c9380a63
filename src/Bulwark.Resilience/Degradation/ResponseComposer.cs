using System.Diagnostics.Metrics;
using Bulwark.Resilience.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Resilience.Degradation;

/// <summary>Starts composed responses (register as a singleton; one <see cref="DegradableResponseBuilder"/> per request).</summary>
/// <remarks>See docs/resilience.md#graceful-degradation.</remarks>
public sealed class ResponseComposer
{
    private readonly TimeProvider _timeProvider;
    private readonly IOptionsMonitor<DegradationOptions> _options;
    private readonly ILogger<ResponseComposer> _logger;
    private readonly Counter<long> _degradedParts;

    /// <summary>Creates the composer.</summary>
    /// <param name="timeProvider">The clock for part timeouts.</param>
    /// <param name="options">Defaults.</param>
    /// <param name="logger">Where degraded parts are logged (warning).</param>
    /// <param name="meterFactory">Creates the <c>Bulwark.Resilience</c> meter; a process meter when <see langword="null"/>.</param>
    public ResponseComposer(TimeProvider timeProvider, IOptionsMonitor<DegradationOptions> options, ILogger<ResponseComposer> logger, IMeterFactory? meterFactory = null)
    {
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _degradedParts = ResilienceInstruments.For(meterFactory).DegradedParts;
    }

    /// <summary>Starts composing the response <paramref name="name"/>.</summary>
    /// <param name="name">The response's name (for example <c>product-page</c>), for logs and metrics.</param>
    /// <param name="cancellationToken">The request's token; every part gets it.</param>
    /// <returns>The builder; dispose it to cancel parts still running.</returns>
    public DegradableResponseBuilder Begin(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new DegradableResponseBuilder(name, _timeProvider, _options.CurrentValue.OptionalPartTimeout, _logger, _degradedParts, cancellationToken);
    }
}
