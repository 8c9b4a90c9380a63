using System.Diagnostics;
using Bulwark.Caching.CacheAside;
using Bulwark.Redis.Caching;
using Bulwark.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane;
using ZiggyCreatures.Caching.Fusion.Events;

namespace Bulwark.Redis.Tests.Caching;

/// <summary>
/// Redis as the shared second level and backplane, on the real server: two instances (two app nodes) share values and
/// removals; with Redis unreachable the cache still answers from memory and the source.
/// </summary>
public sealed class RedisSecondLevelTests : IAsyncDisposable
{
    private static readonly TimeSpan EventWait = TimeSpan.FromSeconds(10);
    private readonly string _prefix = "bulwark-cache-test-" + Guid.NewGuid().ToString("N");
    private readonly List<ServiceProvider> _nodes = [];
    private bool _usedRedis;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Set_OnOneNode_IsReadByAnotherNodeFromRedis()
    {
        await RealServers.RequireAsync(RealServer.Redis);
        var a = Node(RealServers.RedisConfiguration);
        var b = Node(RealServers.RedisConfiguration);
        var written = WhenWrittenToRedis(a, "product:7");

        await a.SetAsync("product:7", 1299L, token: Ct);
        // L2 writes run in the background (they never hold up the caller): wait for FusionCache's own event.
        await written.WaitAsync(EventWait, Ct);
        var loads = 0;
        var readByB = await b.GetOrSetAsync("product:7", _ =>
        {
            loads++;
            return Task.FromResult(-1L);
        }, token: Ct);

        Assert.Equal(1299L, readByB);
        Assert.Equal(0, loads);
    }

    [Fact]
    public async Task Remove_OnOneNode_DropsTheOtherNodesInMemoryCopyThroughTheBackplane()
    {
        await RealServers.RequireAsync(RealServer.Redis);
        var a = Node(RealServers.RedisConfiguration);
        var b = Node(RealServers.RedisConfiguration);
        await WaitUntilSubscribedAsync(a, b);
        var written = WhenWrittenToRedis(a, "product:7");
        var setHeard = WhenHeard(b, BackplaneMessageAction.EntrySet);
        await a.SetAsync("product:7", 1299L, token: Ct);
        await Task.WhenAll(written, setHeard).WaitAsync(EventWait, Ct);
        Assert.Equal(1299L, await b.GetOrDefaultAsync<long>("product:7", token: Ct));
        var heard = WhenHeard(b, BackplaneMessageAction.EntryRemove);

        await a.RemoveAsync("product:7", token: Ct);
        await heard.WaitAsync(EventWait, Ct);

        // B had the value in memory; only the backplane message can have removed it there.
        Assert.False((await b.TryGetAsync<long>("product:7", new FusionCacheEntryOptions { SkipDistributedCacheRead = true }, Ct)).HasValue);
        Assert.Equal(0L, await b.GetOrDefaultAsync<long>("product:7", token: Ct));
    }

    [Fact]
    public async Task GetOrSet_RedisUnreachable_ServesFromTheSourceThenFromMemoryWithoutErrors()
    {
        var closedPort = FreePort.Next();
        var cache = Node($"127.0.0.1:{closedPort}");
        var loads = 0;
        var elapsed = Stopwatch.StartNew();

        var first = await cache.GetOrSetAsync("product:7", _ =>
        {
            loads++;
            return Task.FromResult(1299L);
        }, token: Ct);
        var second = await cache.GetOrSetAsync("product:7", _ =>
        {
            loads++;
            return Task.FromResult(-1L);
        }, token: Ct);
        await cache.RemoveAsync("product:7", token: Ct);
        var afterRemove = await cache.GetOrSetAsync("product:7", _ =>
        {
            loads++;
            return Task.FromResult(1500L);
        }, token: Ct);

        elapsed.Stop();

        // Bounded by the short first connect and the L2 hard timeout, then skipped by its circuit breaker; not 5 s per command.
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(4), $"three reads with Redis down took {elapsed.Elapsed}");
        Assert.Equal(1299L, first);
        Assert.Equal(1299L, second);
        Assert.Equal(1500L, afterRemove);
        Assert.Equal(2, loads);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        if (_usedRedis)
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(RealServers.RedisConfiguration);
            var server = redis.GetServers()[0];
            await foreach (var key in server.KeysAsync(pattern: "*" + _prefix + "*"))
            {
                await redis.GetDatabase().KeyDeleteAsync(key);
            }
        }
    }

    // A backplane message sent before the other node has subscribed is lost (pub/sub has no history); sets are
    // published until B hears one, so the test starts from a subscribed pair.
    private async Task WaitUntilSubscribedAsync(IFusionCache a, IFusionCache b)
    {
        for (var attempt = 1; ; attempt++)
        {
            var heard = WhenRaised<FusionCacheBackplaneMessageEventArgs>(h => b.Events.Backplane.MessageReceived += h);
            await a.SetAsync("warm-up", attempt, token: Ct);
            try
            {
                await heard.WaitAsync(TimeSpan.FromSeconds(1), Ct);
                return;
            }
            catch (TimeoutException) when (attempt < 10)
            {
            }
        }
    }

    private static Task WhenWrittenToRedis(IFusionCache node, string key)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        node.Events.Distributed.Set += (_, e) =>
        {
            if (e.Key.EndsWith(key, StringComparison.Ordinal))
            {
                written.TrySetResult();
            }
        };
        return written.Task;
    }

    private static Task WhenHeard(IFusionCache node, BackplaneMessageAction action)
    {
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        node.Events.Backplane.MessageReceived += (_, e) =>
        {
            if (e.Message.Action == action)
            {
                heard.TrySetResult();
            }
        };
        return heard.Task;
    }

    private static Task WhenRaised<TArgs>(Action<EventHandler<TArgs>> subscribe)
    {
        var raised = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscribe((_, _) => raised.TrySetResult());
        return raised.Task;
    }

    private IFusionCache Node(string redis)
    {
        var services = new ServiceCollection();
        services.AddBulwarkCaching(configure: o => o.KeyPrefix = _prefix).WithBulwarkRedis(redis);
        _usedRedis |= redis == RealServers.RedisConfiguration;
        var provider = services.BuildServiceProvider();
        _nodes.Add(provider);
        return provider.GetRequiredService<IFusionCache>();
    }
}
