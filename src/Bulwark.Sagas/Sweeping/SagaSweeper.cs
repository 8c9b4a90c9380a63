using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Sagas;

/// <summary>
/// Resumes a saga's unfinished instances when the host starts (crash recovery), then keeps sweeping: an instance
/// whose run died while the process lives (its save failed on a busy database, an unexpected error) is continued
/// within <see cref="SagaSweeperOptions.Interval"/> + <see cref="SagaSweeperOptions.StaleAfter"/>, not only at the
/// next start. See docs/data-consistency.md.
/// </summary>
/// <typeparam name="TData">The saga's data.</typeparam>
public sealed partial class SagaSweeper<TData> : BackgroundService
    where TData : class
{
    private readonly SagaOrchestrator<TData> _orchestrator;
    private readonly SagaSweeperOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the sweeper.</summary>
    /// <param name="orchestrator">The saga's orchestrator.</param>
    /// <param name="options">Interval and staleness threshold.</param>
    /// <param name="timeProvider">The clock of the sweeps.</param>
    /// <param name="logger">The logger.</param>
    public SagaSweeper(SagaOrchestrator<TData> orchestrator, IOptions<SagaSweeperOptions> options, TimeProvider timeProvider, ILogger<SagaSweeper<TData>> logger)
    {
        _orchestrator = orchestrator ?? throw new ArgumentNullException(nameof(orchestrator));
        _options = options?.Value ?? throw new ArgumentNullException(nameof(options));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>One sweep: continues the stale unfinished instances no run of this process drives.</summary>
    /// <param name="cancellationToken">Stops the runs.</param>
    /// <returns>How many instances reached a final status.</returns>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var finished = await _orchestrator.ResumeStaleAsync(_options.StaleAfter, cancellationToken).ConfigureAwait(false);
        if (finished.Count > 0)
        {
            LogSwept(_logger, _orchestrator.SagaType, finished.Count);
        }

        return finished.Count;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // At start nothing of this process runs yet, so every unfinished instance is an earlier process's.
            var resumed = await _orchestrator.ResumeStaleAsync(TimeSpan.Zero, stoppingToken).ConfigureAwait(false);
            LogResumed(_logger, _orchestrator.SagaType, resumed.Count);
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(_options.Interval, _timeProvider, stoppingToken).ConfigureAwait(false);
                try
                {
                    await SweepOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The store may be busy or down; the instances stay where they are for the next sweep.
                    LogSweepFailed(_logger, e, _orchestrator.SagaType);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: unfinished instances resume at the next start.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogSweepFailed(_logger, e, _orchestrator.SagaType);
        }
    }

    [LoggerMessage(EventId = 1805, Level = LogLevel.Information, Message = "Resumed {Count} unfinished {SagaType} sagas")]
    private static partial void LogResumed(ILogger logger, string sagaType, int count);

    [LoggerMessage(EventId = 1806, Level = LogLevel.Error, Message = "Sweeping {SagaType} sagas failed; the next sweep tries again")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception, string sagaType);

    [LoggerMessage(EventId = 1808, Level = LogLevel.Warning, Message = "The sweeper finished {Count} {SagaType} sagas whose run had died")]
    private static partial void LogSwept(ILogger logger, string sagaType, int count);
}
