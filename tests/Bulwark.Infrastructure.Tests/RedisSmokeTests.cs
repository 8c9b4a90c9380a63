using Bulwark.Testing;
using StackExchange.Redis;

namespace Bulwark.Infrastructure.Tests;

public sealed class RedisSmokeTests
{
    [Fact]
    public async Task SetThenGet_OnTestServer_ReturnsStoredValue()
    {
        await RealServers.RequireAsync(RealServer.Redis);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RealServers.RedisConfiguration);
        var db = redis.GetDatabase();
        var key = new RedisKey($"bulwark:infra-tests:{Guid.NewGuid():N}");
        var value = Guid.NewGuid().ToString("N");

        try
        {
            Assert.True(await db.StringSetAsync(key, value));
            var read = await db.StringGetAsync(key);

            Assert.Equal(value, read.ToString());
        }
        finally
        {
            await db.KeyDeleteAsync(key);
        }
    }
}
