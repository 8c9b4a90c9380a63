using System.Diagnostics;

namespace Bulwark.Testing;

/// <summary>
/// Waits, bounded, for something another thread or process does (a bus delivery, a file watcher, a projection): polls
/// until the condition holds or the time is up, then fails the test naming what did not happen and the last value seen.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>Probes until <paramref name="done"/> holds for the result, and returns that result.</summary>
    /// <param name="probe">Reads the current value.</param>
    /// <param name="done">Whether the value is the awaited one.</param>
    /// <param name="what">What is awaited, for the failure message.</param>
    /// <param name="seconds">How long to wait.</param>
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, int seconds = 20)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var clock = Stopwatch.StartNew();
        var last = await probe();
        while (!done(last))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                Assert.Fail($"Not within {seconds} s: {what}. Last seen: {last}");
            }

            await Task.Delay(Poll, TestContext.Current.CancellationToken);
            last = await probe();
        }

        return last;
    }

    /// <summary>Waits until <paramref name="condition"/> holds.</summary>
    /// <param name="condition">The condition.</param>
    /// <param name="what">What is awaited, for the failure message.</param>
    /// <param name="timeout">How long to wait; 20 seconds when null.</param>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return TrueAsync(() => Task.FromResult(condition()), what, timeout);
    }

    /// <summary>Waits until <paramref name="condition"/> holds.</summary>
    /// <param name="condition">The condition.</param>
    /// <param name="what">What is awaited, for the failure message.</param>
    /// <param name="timeout">How long to wait; 20 seconds when null.</param>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"Not within {limit.TotalSeconds:0.#} s: {what}.");
            }

            await Task.Delay(Poll, TestContext.Current.CancellationToken);
        }
    }
}
