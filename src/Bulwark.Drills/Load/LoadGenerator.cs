using System.Collections.Concurrent;
using Bulwark.Drills.Targets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bulwark.Drills.Load;

/// <summary>
/// Sends bounded HTTP load to a loopback target and records every request's status and latency, closed-loop
/// (N workers) or open-loop (a fixed start rate). All timing goes through the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class LoadGenerator
{
    private const int MaxResponseBytes = 4 * 1024 * 1024;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Action<LoadSample>? _observer;

    /// <summary>Creates a generator.</summary>
    public LoadGenerator(TimeProvider timeProvider, ILogger<LoadGenerator>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    private LoadGenerator(LoadGenerator source, Action<LoadSample> observer)
    {
        _timeProvider = source._timeProvider;
        _logger = source._logger;
        _observer = source._observer is { } first ? s => { first(s); observer(s); } : observer;
    }

    /// <summary>
    /// A generator on the same clock that also hands every finished request to <paramref name="observer"/> as it
    /// finishes (live progress, charts). The observer runs on load workers: it must be quick and thread-safe.
    /// </summary>
    public LoadGenerator WithObserver(Action<LoadSample> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        return new LoadGenerator(this, observer);
    }

    /// <summary>Runs the load described by <paramref name="options"/>; <paramref name="next"/> gives request number i.</summary>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is out of range.</exception>
    /// <exception cref="NonLoopbackTargetException">The target is not on loopback.</exception>
    public Task<LoadResult> RunAsync(LoadOptions options, Func<int, LoadRequest> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(next);
        options.Validate();
        var handler = LoopbackHttp.CreateHandler(
            options.RequestTimeout,
            options.Mode == LoadMode.ClosedLoop ? options.Concurrency : options.MaxInFlight);
        return RunCoreAsync(options, next, handler, cancellationToken);
    }

    /// <summary>Runs with a caller-supplied handler (tests); the target is still checked to be loopback.</summary>
    internal Task<LoadResult> RunAsync(LoadOptions options, Func<int, LoadRequest> next, HttpMessageHandler handler, CancellationToken cancellationToken)
    {
        options.Validate();
        return RunCoreAsync(options, next, handler, cancellationToken);
    }

    private async Task<LoadResult> RunCoreAsync(LoadOptions options, Func<int, LoadRequest> next, HttpMessageHandler handler, CancellationToken cancellationToken)
    {
        using var client = new HttpClient(handler, disposeHandler: true)
        {
            // Per-request timeouts are ours (on the TimeProvider); the client's own would race them.
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = MaxResponseBytes,
        };
        var samples = new ConcurrentBag<LoadSample>();
        using var duration = new CancellationTokenSource(options.MaxDuration, _timeProvider);
        using var stopStarting = CancellationTokenSource.CreateLinkedTokenSource(duration.Token, cancellationToken);
        var started = _timeProvider.GetTimestamp();
        LogRunStarting(_logger, options.Mode, options.Target!, options.MaxRequests, options.MaxDuration);

        var reachedCount = options.Mode == LoadMode.ClosedLoop
            ? await RunClosedLoopAsync(options, next, client, samples, started, stopStarting.Token, cancellationToken).ConfigureAwait(false)
            : await RunOpenLoopAsync(options, next, client, samples, started, stopStarting.Token, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var elapsed = _timeProvider.GetElapsedTime(started);
        var ordered = samples.OrderBy(s => s.Index).ToArray();
        var result = new LoadResult(ordered, elapsed, reachedCount ? LoadStopReason.RequestCountReached : LoadStopReason.DurationReached);
        var stats = result.Statistics;
        LogRunFinished(_logger, stats.Sent, stats.ErrorRate, stats.P99.TotalMilliseconds, elapsed);
        return result;
    }

    private async Task<bool> RunClosedLoopAsync(
        LoadOptions options, Func<int, LoadRequest> next, HttpClient client, ConcurrentBag<LoadSample> samples,
        long started, CancellationToken stopStarting, CancellationToken cancellationToken)
    {
        var counter = -1;
        var reachedCount = false;
        var workers = Enumerable.Range(0, options.Concurrency).Select(async _ =>
        {
            while (!stopStarting.IsCancellationRequested)
            {
                var index = Interlocked.Increment(ref counter);
                if (index >= options.MaxRequests)
                {
                    reachedCount = true;
                    return;
                }

                Add(samples, await SendAsync(client, options, next(index), index, started, cancellationToken).ConfigureAwait(false));
            }
        }).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        return reachedCount;
    }

    private async Task<bool> RunOpenLoopAsync(
        LoadOptions options, Func<int, LoadRequest> next, HttpClient client, ConcurrentBag<LoadSample> samples,
        long started, CancellationToken stopStarting, CancellationToken cancellationToken)
    {
        using var inFlight = new SemaphoreSlim(options.MaxInFlight);
        var pending = new List<Task>();
        var reachedCount = true;
        for (var index = 0; index < options.MaxRequests; index++)
        {
            var due = TimeSpan.FromSeconds(index / options.RatePerSecond) - _timeProvider.GetElapsedTime(started);
            try
            {
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, _timeProvider, stopStarting).ConfigureAwait(false);
                }

                stopStarting.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException) when (stopStarting.IsCancellationRequested)
            {
                reachedCount = false;
                break;
            }

            if (!inFlight.Wait(0, CancellationToken.None))
            {
                var offset = _timeProvider.GetElapsedTime(started);
                Add(samples, new LoadSample(index, offset, TimeSpan.Zero, 0, LoadFailure.Dropped, false, next(index).Label));
                continue;
            }

            var request = next(index);
            var i = index;
            pending.Add(Task.Run(
                async () =>
                {
                    try
                    {
                        Add(samples, await SendAsync(client, options, request, i, started, cancellationToken).ConfigureAwait(false));
                    }
                    finally
                    {
                        inFlight.Release();
                    }
                },
                CancellationToken.None));
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
        return reachedCount;
    }

    private void Add(ConcurrentBag<LoadSample> samples, LoadSample sample)
    {
        samples.Add(sample);
        _observer?.Invoke(sample);
    }

    private async Task<LoadSample> SendAsync(HttpClient client, LoadOptions options, LoadRequest request, int index, long started, CancellationToken cancellationToken)
    {
        var offset = _timeProvider.GetElapsedTime(started);
        var begin = _timeProvider.GetTimestamp();
        using var timeout = new CancellationTokenSource(options.RequestTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        using var message = request.ToMessage(options.Target!, options.DefaultHeaders);
        try
        {
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
            return new LoadSample(index, offset, _timeProvider.GetElapsedTime(begin), (int)response.StatusCode, LoadFailure.None,
                response.Headers.RetryAfter is not null, request.Label);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new LoadSample(index, offset, _timeProvider.GetElapsedTime(begin), 0, LoadFailure.Timeout, false, request.Label);
        }
        catch (HttpRequestException e) when (e.InnerException is not NonLoopbackTargetException)
        {
            return new LoadSample(index, offset, _timeProvider.GetElapsedTime(begin), 0, LoadFailure.Transport, false, request.Label);
        }
    }
}
