using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bulwark.EventSourcing;
using Bulwark.Sharding.EventSourcing;

namespace Bulwark.Sharding.Tests;

/// <summary>Online bucket moves on real PostgreSQL (issue 13, item 4): K databases on the one local server stand in for K servers.</summary>
public sealed class BucketMoveTests
{
    private const int HotBucket = 7;
    private const int QuietBucket = 8;
    private const int Writers = 8;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MoveAsync_WhileWritersAppend_NoEventLostOrDuplicatedAndEveryVersionSequenceIntact()
    {
        await using var pg = await ShardedPostgres.CreateAsync(shardCount: 2);
        var moveOptions = new ShardingOptions { FenceBelowTail = 20, FenceWait = TimeSpan.FromSeconds(30) };
        using var moverRouter = pg.Router(moveOptions);
        await moverRouter.InitializeAsync(Ct);

        // The writers' router never polls the catalog: only a shard's refusal can tell it a bucket moved.
        using var writerRouter = pg.Router(new ShardingOptions { MapCheckInterval = TimeSpan.FromHours(1), FenceWait = TimeSpan.FromSeconds(30) });
        await writerRouter.InitializeAsync(Ct);
        var store = pg.EventStore(writerRouter);
        var mover = pg.Mover(moverRouter, moveOptions);

        var streams = Enumerable.Range(0, 24).Select(_ => "WalletAccount-" + ShardedIds.NewId(HotBucket))
            .Concat(Enumerable.Range(0, 8).Select(_ => "WalletAccount-" + ShardedIds.NewId(QuietBucket)))
            .ToArray();
        var ledger = new Ledger(streams);
        foreach (var stream in streams)
        {
            for (var i = 0; i < 4; i++)
            {
                await ledger.AppendAsync(store, stream, eventsPerAppend: 5, Ct);
            }
        }

        var report = new StringBuilder();
        string[] targets = ["shard-0", "shard-1", "shard-0"];
        foreach (var target in targets)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var latencies = new ConcurrentBag<(long Start, long End)>();
            var warmedUp = ledger.WhenAcked(ledger.Acked + 200);
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteUntilStoppedAsync(store, ledger, streams, w, latencies, stop.Token), Ct)).ToArray();
            await warmedUp.WaitAsync(TimeSpan.FromSeconds(60), Ct);

            var moveStart = Stopwatch.GetTimestamp();
            var result = await mover.MoveAsync(HotBucket, target, Ct);
            var moveEnd = Stopwatch.GetTimestamp();
            await ledger.WhenAcked(ledger.Acked + 200).WaitAsync(TimeSpan.FromSeconds(60), Ct);
            await stop.CancelAsync();
            await Task.WhenAll(writers);

            Assert.Equal(target, result.To);
            var during = latencies.Where(l => l.End >= moveStart && l.Start <= moveEnd).Select(l => Stopwatch.GetElapsedTime(l.Start, l.End).TotalMilliseconds).Order().ToArray();
            var outside = latencies.Where(l => l.End < moveStart || l.Start > moveEnd).Select(l => Stopwatch.GetElapsedTime(l.Start, l.End).TotalMilliseconds).Order().ToArray();
            Assert.NotEmpty(during);
            Assert.NotEmpty(outside);
            report.AppendLine(CultureInfo.InvariantCulture, $"move {result.From}->{result.To}: {result.Duration.TotalMilliseconds:F0} ms, fenced {result.Fenced.TotalMilliseconds:F1} ms, " +
                $"{result.RowsCopied} events copied in {result.CatchUpRounds} round(s) + final, {result.RowsDeleted} deleted; writes during move {during.Length}, " +
                $"p50 {Percentile(during, 0.50):F1} ms, p99 {Percentile(during, 0.99):F1} ms, max {during[^1]:F1} ms; " +
                $"writes outside the move {outside.Length}, p50 {Percentile(outside, 0.50):F1} ms, p99 {Percentile(outside, 0.99):F1} ms");
        }

        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        await File.AppendAllTextAsync(Path.Combine(Path.GetTempPath(), "bulwark-shard-move.txt"), report.ToString(), Ct);

        // Every acknowledged event is in its stream exactly once, at the version it was acknowledged with, and nothing
        // else is there; the bucket's rows live on one shard only.
        foreach (var stream in streams)
        {
            var events = await store.ReadStreamAsync(stream, 1, null, Ct);
            Assert.Equal(Enumerable.Range(1, events.Count).Select(v => (long)v), events.Select(e => e.Version));
            Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
            var acked = ledger.AckedOf(stream);
            Assert.Equal(acked.Count, events.Count);
            Assert.All(events, e => Assert.Equal(acked[e.EventId], e.Version));
        }

        var owner = moverRouter.CurrentMap!.ShardOf(HotBucket);
        var other = pg.Shards.Single(s => s.Name != owner).Name;
        Assert.Equal("shard-0", owner);
        foreach (var stream in streams.Take(24))
        {
            Assert.Empty(await pg.Streams.Stores[other].ReadStreamAsync(stream, 1, null, Ct));
        }

        // Three flips; the writers' router learned each one from a shard's refusal, not from polling.
        Assert.Equal(4, moverRouter.CurrentMap.Version);
        Assert.Equal(4, writerRouter.CurrentMap!.Version);
    }

    [Fact]
    public async Task AppendAsync_BucketFenced_RefusedAsRetryableAndNothingWritten()
    {
        await using var pg = await ShardedPostgres.CreateAsync(shardCount: 2);
        using var router = pg.Router(new ShardingOptions { FenceWait = TimeSpan.Zero });
        await router.InitializeAsync(Ct);
        var store = pg.EventStore(router);
        var stream = "WalletAccount-" + ShardedIds.NewId(HotBucket);
        var owner = pg.Shards.Single(s => s.Name == router.CurrentMap!.ShardOf(HotBucket));

        Assert.True(await owner.Buckets.FenceAsync(HotBucket, Ct));
        await Assert.ThrowsAsync<ShardBucketFencedException>(() => store.AppendAsync(stream, ExpectedVersion.NoStream, [Event()], Ct));
        Assert.Empty(await store.ReadStreamAsync(stream, 1, null, Ct));

        await owner.Buckets.UnfenceAsync(HotBucket, Ct);
        var appended = await store.AppendAsync(stream, ExpectedVersion.NoStream, [Event()], Ct);
        Assert.Equal(1, appended.NextExpectedVersion);
    }

    [Fact]
    public async Task AppendAsync_ShardThatNeverOwnedTheBucket_Refused()
    {
        await using var pg = await ShardedPostgres.CreateAsync(shardCount: 2);
        using var router = pg.Router(new ShardingOptions());
        await router.InitializeAsync(Ct);
        var notOwner = pg.Shards.Single(s => s.Name != router.CurrentMap!.ShardOf(HotBucket)).Name;

        // Straight to the wrong shard's store, as a router with a wrong map would go: the guard refuses it.
        await Assert.ThrowsAsync<ShardBucketMovedException>(() =>
            pg.Streams.Stores[notOwner].AppendAsync("WalletAccount-" + ShardedIds.NewId(HotBucket), ExpectedVersion.NoStream, [Event()], Ct));
    }

    private static async Task WriteUntilStoppedAsync(ShardedEventStore store, Ledger ledger, string[] streams, int writer, ConcurrentBag<(long, long)> latencies, CancellationToken stop)
    {
        var random = new Random(writer);
        while (!stop.IsCancellationRequested)
        {
            var stream = streams[random.Next(streams.Length)];
            var start = Stopwatch.GetTimestamp();
            try
            {
                // Not the stop token: an append is either acknowledged or rolled back, never abandoned half-way.
                await ledger.AppendAsync(store, stream, eventsPerAppend: 1, CancellationToken.None);
                latencies.Add((start, Stopwatch.GetTimestamp()));
            }
            catch (ConcurrencyConflictException e)
            {
                ledger.Saw(stream, e.ActualVersion);
            }
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static EventData Event() => new(Guid.NewGuid(), "wallet.MoneyDeposited", "{\"amountCents\":100}"u8.ToArray());

    /// <summary>What the writers were told: each acknowledged event id with its version, and each stream's last known version.</summary>
    private sealed class Ledger(string[] streams)
    {
        private readonly ConcurrentDictionary<string, long> _expected = new(streams.Select(s => KeyValuePair.Create(s, 0L)));
        private readonly ConcurrentDictionary<string, ConcurrentDictionary<Guid, long>> _acked = new(streams.Select(s => KeyValuePair.Create(s, new ConcurrentDictionary<Guid, long>())));
        private readonly Lock _waitersLock = new();
        private readonly List<(long Count, TaskCompletionSource Done)> _waiters = [];
        private long _count;

        public long Acked => Interlocked.Read(ref _count);

        public IReadOnlyDictionary<Guid, long> AckedOf(string stream) => _acked[stream];

        public async Task AppendAsync(ShardedEventStore store, string stream, int eventsPerAppend, CancellationToken cancellationToken)
        {
            var expected = _expected[stream];
            var events = Enumerable.Range(0, eventsPerAppend).Select(_ => Event()).ToArray();
            var result = await store.AppendAsync(stream, expected, events, cancellationToken);
            for (var i = 0; i < events.Length; i++)
            {
                _acked[stream][events[i].EventId] = expected + i + 1;
            }

            Saw(stream, result.NextExpectedVersion);
            var count = Interlocked.Add(ref _count, events.Length);
            lock (_waitersLock)
            {
                foreach (var waiter in _waiters.Where(w => w.Count <= count).ToArray())
                {
                    waiter.Done.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        }

        public void Saw(string stream, long version) => _expected.AddOrUpdate(stream, version, (_, known) => Math.Max(known, version));

        public Task WhenAcked(long count)
        {
            lock (_waitersLock)
            {
                if (Acked >= count)
                {
                    return Task.CompletedTask;
                }

                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((count, done));
                return done.Task;
            }
        }
    }
}
