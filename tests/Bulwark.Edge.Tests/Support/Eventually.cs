using System.Diagnostics;

namespace Bulwark.Edge.Tests.Support;

/// <summary>Waits, bounded, for something another thread or process does (a file watcher, a shadow request).</summary>
internal static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? within = null)
    {
        var clock = Stopwatch.StartNew();
        T last;
        do
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }

            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
        while (clock.Elapsed < (within ?? TimeSpan.FromSeconds(15)));

        Assert.Fail($"{what} did not happen within {within ?? TimeSpan.FromSeconds(15)}; last: {last}");
        return last;
    }
}
