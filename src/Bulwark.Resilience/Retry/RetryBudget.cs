using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using Bulwark.Resilience.Diagnostics;

namespace Bulwark.Resilience.Retry;

/// <summary>
/// Caps retries to a share of recent calls (<see cref="RetryBudgetOptions.RetryRatio"/> of first attempts plus
/// <see cref="RetryBudgetOptions.MinRetriesPerSecond"/>) over a sliding window, so a sustained outage adds at most
/// that share of load instead of multiplying it by the attempt count. Share one budget per downstream dependency.
/// </summary>
/// <remarks>See docs/resilience.md#retry-budget.</remarks>
public sealed class RetryBudget
{
    private const int BucketCount = 10;

    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly Counter<long> _exhausted;
    private readonly long _bucketTicks;
    private readonly long[] _bucketStart = new long[BucketCount];
    private readonly long[] _calls = new long[BucketCount];
    private readonly long[] _retries = new long[BucketCount];
    private readonly double _floor;
    private readonly KeyValuePair<string, object?> _nameTag;

    /// <summary>Creates a budget.</summary>
    /// <param name="name">The budget's name (usually the dependency's) for metrics.</param>
    /// <param name="options">Its settings.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="meterFactory">Creates the <c>Bulwark.Resilience</c> meter; a process meter when <see langword="null"/>.</param>
    /// <exception cref="ValidationException"><paramref name="options"/> are out of range.</exception>
    public RetryBudget(string name, RetryBudgetOptions options, TimeProvider? timeProvider = null, IMeterFactory? meterFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        _exhausted = ResilienceInstruments.For(meterFactory).RetryBudgetExhausted;
        Name = name;
        Options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _bucketTicks = Math.Max(1, options.Window.Ticks / BucketCount);
        _floor = options.MinRetriesPerSecond * options.Window.TotalSeconds;
        _nameTag = new("bulwark.retry_budget", name);
        Array.Fill(_bucketStart, long.MinValue);
    }

    /// <summary>The budget's name.</summary>
    public string Name { get; }

    /// <summary>Its settings.</summary>
    public RetryBudgetOptions Options { get; }

    /// <summary>Counts a first attempt: it earns <see cref="RetryBudgetOptions.RetryRatio"/> of a retry.</summary>
    public void RecordCall()
    {
        lock (_lock)
        {
            _calls[Bucket()]++;
        }
    }

    /// <summary>Takes one retry from the budget if there is one left.</summary>
    /// <returns><see langword="true"/> when the retry may be made.</returns>
    public bool TryWithdraw()
    {
        lock (_lock)
        {
            var current = Bucket();
            var oldest = _bucketStart[current] - (_bucketTicks * (BucketCount - 1));
            long calls = 0, retries = 0;
            for (var i = 0; i < BucketCount; i++)
            {
                if (_bucketStart[i] >= oldest)
                {
                    calls += _calls[i];
                    retries += _retries[i];
                }
            }

            if (retries + 1 <= (calls * Options.RetryRatio) + _floor)
            {
                _retries[current]++;
                return true;
            }
        }

        _exhausted.Add(1, _nameTag);
        return false;
    }

    private int Bucket()
    {
        var now = _timeProvider.GetUtcNow().UtcTicks;
        var start = now - (now % _bucketTicks);
        var index = (int)((now / _bucketTicks) % BucketCount);
        if (_bucketStart[index] != start)
        {
            _bucketStart[index] = start;
            _calls[index] = 0;
            _retries[index] = 0;
        }

        return index;
    }
}
