using System.Diagnostics;

namespace Shop.Host.Tests;

/// <summary>Polls a condition that asynchronous messaging makes true "soon", failing with a message after a bound.</summary>
internal static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, int seconds = 20)
    {
        var clock = Stopwatch.StartNew();
        T last = await probe();
        while (!done(last))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                Assert.Fail($"Not within {seconds} s: {what}. Last seen: {last}");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
            last = await probe();
        }

        return last;
    }
}

/// <summary>Test clients that poll: they present the partner API key so polling is not rate limited as anonymous traffic.</summary>
internal static class PartnerClient
{
    public static RunningShop AsPartner(this RunningShop shop)
    {
        shop.Client.DefaultRequestHeaders.Add("X-Api-Key", "demo-partner-key");
        return shop;
    }
}
