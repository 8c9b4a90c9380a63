using Microsoft.Extensions.Logging;

namespace Bulwark.Resilience.Degradation;

/// <summary>
/// Composes a response from critical and optional parts that run concurrently. An optional part that fails, times out
/// or is refused by an open breaker is left out (or served from its fallback), named in <see cref="Degraded"/>, logged as a
/// warning and counted; a critical failure fails the whole response with <see cref="CriticalPartFailedException"/>.
/// </summary>
public sealed partial class DegradableResponseBuilder : IDisposable
{
    private readonly string _name;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _defaultTimeout;
    private readonly ILogger _logger;
    private readonly System.Diagnostics.Metrics.Counter<long> _degradedParts;
    private readonly CancellationTokenSource _cancel;
    private readonly List<Task> _critical = [];
    private readonly List<Task> _optional = [];
    private readonly List<string> _degraded = [];

    internal DegradableResponseBuilder(string name, TimeProvider timeProvider, TimeSpan defaultTimeout, ILogger logger, System.Diagnostics.Metrics.Counter<long> degradedParts, CancellationToken cancellationToken)
    {
        _name = name;
        _timeProvider = timeProvider;
        _defaultTimeout = defaultTimeout;
        _logger = logger;
        _degradedParts = degradedParts;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>The optional parts that are missing or stale, in the order they were added.</summary>
    public IReadOnlyList<string> Degraded
    {
        get
        {
            lock (_degraded)
            {
                return [.. _degraded];
            }
        }
    }

    /// <summary>Starts a part the response cannot do without.</summary>
    /// <typeparam name="T">The part's value type.</typeparam>
    /// <param name="name">The part's name.</param>
    /// <param name="fetch">Produces the value; honour the token.</param>
    /// <returns>The part.</returns>
    public ComposedPart<T> Critical<T>(string name, Func<CancellationToken, Task<T>> fetch)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(fetch);
        var part = new ComposedPart<T>(name, critical: true);
        part.Completion = RunCritical(part, fetch);
        _critical.Add(part.Completion);
        return part;
    }

    /// <summary>Starts a part the response can do without.</summary>
    /// <typeparam name="T">The part's value type.</typeparam>
    /// <param name="name">The part's name, as listed in <see cref="Degraded"/>.</param>
    /// <param name="fetch">Produces the live value; honour the token.</param>
    /// <param name="fallback">Produces a substitute (for example the last cached value) when the live value is missing; may return <see langword="default"/>.</param>
    /// <param name="timeout">How long to wait for it; the composer's default when <see langword="null"/>; never past the ambient deadline.</param>
    /// <returns>The part.</returns>
    public ComposedPart<T> Optional<T>(string name, Func<CancellationToken, Task<T>> fetch, Func<CancellationToken, ValueTask<T?>>? fallback = null, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(fetch);
        var part = new ComposedPart<T>(name, critical: false);
        // An optional part never waits past the request's own deadline: the page must still answer in time.
        var wait = timeout ?? _defaultTimeout;
        if (Deadlines.DeadlineContext.Current?.Remaining(_timeProvider) is { } left && left < wait)
        {
            wait = left;
        }

        part.Completion = RunOptional(part, fetch, fallback, wait);
        _optional.Add(part.Completion);
        return part;
    }

    /// <summary>Waits for every part. Throws <see cref="CriticalPartFailedException"/> (after cancelling the rest) when a critical part failed.</summary>
    /// <returns>The names of degraded parts.</returns>
    public async Task<IReadOnlyList<string>> CompleteAsync()
    {
        try
        {
            await Task.WhenAll(_critical).ConfigureAwait(false);
        }
        catch (CriticalPartFailedException)
        {
            await _cancel.CancelAsync().ConfigureAwait(false);
            throw;
        }

        await Task.WhenAll(_optional).ConfigureAwait(false);
        return Degraded;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _cancel.Cancel();
        _cancel.Dispose();
    }

    private async Task RunCritical<T>(ComposedPart<T> part, Func<CancellationToken, Task<T>> fetch)
    {
        try
        {
            part.Value = await fetch(_cancel.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!_cancel.IsCancellationRequested || e is not OperationCanceledException)
        {
            LogCriticalFailed(_logger, _name, part.Name, e);
            throw new CriticalPartFailedException(_name, part.Name, e);
        }
    }

    private async Task RunOptional<T>(ComposedPart<T> part, Func<CancellationToken, Task<T>> fetch, Func<CancellationToken, ValueTask<T?>>? fallback, TimeSpan timeout)
    {
        using var timer = new CancellationTokenSource(timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_cancel.Token, timer.Token);
        string reason;
        Exception? error = null;
        Task<T>? fetching = null;
        try
        {
            // WaitAsync also stops waiting for a fetch that ignores its token.
            fetching = fetch(linked.Token);
            part.Value = await fetching.WaitAsync(timeout, _timeProvider, _cancel.Token).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when ((e is TimeoutException and not Deadlines.DeadlineExceededException) || (e is OperationCanceledException && timer.IsCancellationRequested && !_cancel.IsCancellationRequested))
        {
            reason = "timed out";
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            // The request's own deadline (or the caller) cut the part short; often it fires at the same instant as the
            // part's timer, which is clamped to it. Either way the value is missing, so the part must be named.
            reason = "was cut short by the request's deadline";
        }
        catch (Exception e)
        {
            reason = DescribeFailure(e);
            error = IsRefusal(e) || e is Polly.Timeout.TimeoutRejectedException ? null : e;
        }
        finally
        {
            // Whoever stopped waiting, the fetch must stop too: no ghost work after the response is sent.
            if (fetching is { IsCompleted: false })
            {
                await linked.CancelAsync().ConfigureAwait(false);
            }
        }

        part.IsDegraded = true;
        lock (_degraded)
        {
            _degraded.Add(part.Name);
        }

        _degradedParts.Add(1, new("bulwark.composition", _name), new("bulwark.part", part.Name));
        if (error is null)
        {
            LogDegradedExpected(_logger, _name, part.Name, reason);
        }
        else
        {
            LogDegraded(_logger, _name, part.Name, reason, error);
        }
        if (fallback is not null)
        {
            try
            {
                var substitute = await fallback(_cancel.Token).ConfigureAwait(false);
                if (substitute is not null)
                {
                    part.Value = substitute;
                    part.IsFallback = true;
                }
            }
            catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
            {
                // No time left for the substitute either; the part is already named as degraded.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFallbackFailed(_logger, _name, part.Name, e);
            }
        }
    }

    private static bool IsRefusal(Exception e) =>
        FailurePredicate.IsRefusal(e) || e is Deadlines.DeadlineExceededException;

    // Refusals are expected under load; logging their exception would add a stack trace per degraded page.
    private static string DescribeFailure(Exception e) => e switch
    {
        Deadlines.DeadlineExceededException => "was cut short by the request's deadline",
        Polly.CircuitBreaker.BrokenCircuitException => "was refused by an open breaker",
        Bulkhead.BulkheadRejectedException => "was refused by a full bulkhead",
        _ when FailurePredicate.IsRefusal(e) => "was refused",
        Polly.Timeout.TimeoutRejectedException => "timed out",
        _ => "failed",
    };
}
