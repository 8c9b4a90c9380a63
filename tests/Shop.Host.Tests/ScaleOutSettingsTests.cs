using System.Net;
using System.Text.Json;
using Bulwark.Testing;

namespace Shop.Host.Tests;

/// <summary>
/// Issue 13, item 1: the scale-out switches are checked at start-up and reported on readiness. No Redis is needed:
/// a port that refuses connections stands for a Redis that is down.
/// </summary>
public sealed class ScaleOutSettingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Shop:Cache:Redis")]
    [InlineData("Shop:RateLimiting:Redis")]
    public async Task Start_RedisSettingNotAConfigurationString_FailsNamingTheKey(string key)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RunningShop.StartAsync(null, null, $"--{key}=127.0.0.1:6379,notakeyword=1"));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains("notakeyword", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthReady_CacheRedisDown_StaysReadyAndReportsItDegraded()
    {
        await using var shop = await RunningShop.StartAsync(null, null, $"--Shop:Cache:Redis=127.0.0.1:{FreePort.Refusing},connectTimeout=200");

        using var ready = await shop.Client.GetAsync("/health/ready", Ct);
        using var body = await JsonDocument.ParseAsync(await ready.Content.ReadAsStreamAsync(Ct), cancellationToken: Ct);
        var check = body.RootElement.GetProperty("checks").GetProperty("redis-cache");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Degraded", check.GetProperty("status").GetString());
        Assert.Contains("the cache", check.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthReady_RateLimitRedisDownAndFailClosed_Returns503NamingIt()
    {
        await using var shop = await RunningShop.StartAsync(
            null,
            null,
            $"--Shop:RateLimiting:Redis=127.0.0.1:{FreePort.Refusing},connectTimeout=200",
            "--Shop:RateLimiting:WhenRedisUnavailable=FailClosed");

        using var ready = await shop.Client.GetAsync("/health/ready", Ct);
        using var body = await JsonDocument.ParseAsync(await ready.Content.ReadAsStreamAsync(Ct), cancellationToken: Ct);
        var check = body.RootElement.GetProperty("checks").GetProperty("redis-rate-limits");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
    }
}
