using System.Diagnostics;
using System.Globalization;
using Bulwark.EventSourcing;

namespace Bulwark.Sharding.Tests;

/// <summary>
/// Per-shard append throughput on real PostgreSQL, the figure docs/sharding.md's One Million calculation rests on:
/// the same writers on one shard, then spread over two. Bounded: 16 writers, 3,000 appends per run.
/// </summary>
public sealed class ShardThroughputTests
{
    private const int Writers = 16;
    private const int Appends = 3_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AppendAsync_SixteenWritersOnOneShardThenTwo_EveryAppendLandsAndThroughputIsReported()
    {
        await using var pg = await ShardedPostgres.CreateAsync(shardCount: 2);
        using var router = pg.Router(new ShardingOptions());
        await router.InitializeAsync(Ct);
        var store = pg.EventStore(router);

        // Buckets 0 and 2 are both on shard-0; 0 and 1 are on shard-0 and shard-1. A first run on both shards warms the
        // pools, the JIT and the prepared statements, so neither measured run pays for them.
        await RunAsync(store, [0, 1], appends: 400);
        var one = await RunAsync(store, [0, 2], Appends);
        var two = await RunAsync(store, [0, 1], Appends);

        var report = string.Create(CultureInfo.InvariantCulture,
            $"one shard: {one:F0} appends/s; two shards: {two:F0} appends/s ({two / one:F2}x), {Writers} writers, {Appends} single-event appends each run, {Environment.ProcessorCount} cores\n");
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        await File.AppendAllTextAsync(Path.Combine(Path.GetTempPath(), "bulwark-shard-throughput.txt"), report, Ct);
    }

    private static async Task<double> RunAsync(Bulwark.Sharding.EventSourcing.ShardedEventStore store, int[] buckets, int appends)
    {
        // One stream per writer, so no append conflicts: the figure is the shard's, not optimistic concurrency's.
        var streams = Enumerable.Range(0, Writers).Select(w => "WalletAccount-" + ShardedIds.NewId(buckets[w % buckets.Length])).ToArray();
        var next = 0;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(streams.Select(stream => Task.Run(async () =>
        {
            long version = 0;
            while (Interlocked.Increment(ref next) <= appends)
            {
                var result = await store.AppendAsync(stream, version, [new EventData(Guid.NewGuid(), "wallet.MoneyDeposited", "{\"amountCents\":1}"u8.ToArray())], Ct);
                version = result.NextExpectedVersion;
            }
        }, Ct)));
        var elapsed = Stopwatch.GetElapsedTime(started);

        var total = 0;
        foreach (var stream in streams)
        {
            var events = await store.ReadStreamAsync(stream, 1, null, Ct);
            Assert.Equal(Enumerable.Range(1, events.Count).Select(v => (long)v), events.Select(e => e.Version));
            total += events.Count;
        }

        Assert.Equal(appends, total);
        return appends / elapsed.TotalSeconds;
    }
}
