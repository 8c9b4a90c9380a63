using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bulwark.Drills.Model;

/// <summary>
/// Runs a drill's steps in order — arrange, exercise, restore — and restores always: after a failed verdict, an
/// exception or a cancellation. Errors of the experiment itself (the target went away, a control endpoint failed)
/// become an inconclusive verdict; a bug in the drill still throws, after restoring.
/// </summary>
public sealed partial class DrillRunner
{
    private static readonly TimeSpan RestoreTimeout = TimeSpan.FromSeconds(15);
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates a runner.</summary>
    public DrillRunner(TimeProvider timeProvider, ILogger<DrillRunner>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Runs <paramref name="drill"/> against <paramref name="context"/>.</summary>
    public async Task<DrillReport> RunAsync(IDrill drill, DrillContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(drill);
        ArgumentNullException.ThrowIfNull(context);
        var startedAt = _timeProvider.GetUtcNow();
        var started = _timeProvider.GetTimestamp();
        LogDrillStarting(_logger, drill.Name, context.Target);
        DrillVerdict verdict;
        string? restoreError = null;
        context.Recorder.Restart();
        try
        {
            context.Recorder.Phase("arrange");
            await drill.ArrangeAsync(context, cancellationToken).ConfigureAwait(false);
            context.Recorder.Phase("exercise");
            verdict = await drill.ExerciseAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            verdict = DrillVerdict.Inconclusive("The drill was cancelled before it could judge.");
        }
        catch (DrillSkippedException e)
        {
            verdict = DrillVerdict.Skipped(e.Message);
        }
        catch (DrillPreconditionException e)
        {
            verdict = DrillVerdict.Inconclusive(e.Message);
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or TimeoutException or OperationCanceledException)
        {
            verdict = DrillVerdict.Inconclusive($"The experiment itself broke ({e.GetType().Name}: {e.Message}), so it says nothing about the system.");
        }
        finally
        {
            context.Recorder.Phase("restore");
            restoreError = await RestoreAsync(drill, context).ConfigureAwait(false);
        }

        if (restoreError is not null)
        {
            verdict = verdict with
            {
                Outcome = DrillOutcome.Inconclusive,
                Reason = $"Restoring the faults failed ({restoreError}); check the dependencies by hand. Before that: {verdict.Reason}",
            };
        }

        var report = new DrillReport(
            drill.Name,
            drill.Title,
            drill.Question,
            drill.Patterns,
            context.Target,
            context.Dependencies.ToDictionary(d => d.Key, d => d.Value.Description, StringComparer.Ordinal),
            startedAt,
            _timeProvider.GetElapsedTime(started),
            verdict,
            restoreError is null,
            restoreError)
        {
            Timeline = context.Recorder.ToTimeline(),
        };
        LogDrillFinished(_logger, drill.Name, verdict.Outcome, verdict.Reason);
        return report;
    }

    private async Task<string?> RestoreAsync(IDrill drill, DrillContext context)
    {
        // Never the caller's token: a cancelled run must still take its faults away.
        using var timeout = new CancellationTokenSource(RestoreTimeout, _timeProvider);
        try
        {
            await drill.RestoreAsync(context, timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is DrillPreconditionException or HttpRequestException or SocketException or OperationCanceledException)
        {
            LogRestoreFailed(_logger, drill.Name, e);
            return e.Message;
        }
    }
}
