namespace Bulwark.Messaging.Contracts;

/// <summary>Bounded polling for asynchronous outcomes (transport tests wait on real brokers; never a fixed sleep).</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes, then fails with <paramref name="what"/>.</summary>
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(20)).TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (!condition())
        {
            if (TimeProvider.System.GetTimestamp() > deadline)
            {
                Assert.Fail("Timed out waiting for: " + what);
            }

            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Polls an async condition.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(20)).TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (!await condition())
        {
            if (TimeProvider.System.GetTimestamp() > deadline)
            {
                Assert.Fail("Timed out waiting for: " + what);
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
