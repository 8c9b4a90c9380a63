using System.Collections.Concurrent;
using System.Text;
using Bulwark.EventSourcing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Consistency.Contracts.EventSourcing;

/// <summary>
/// What every event store adapter must do: optimistic concurrency with a typed conflict, a global order, snapshots,
/// time travel, upcasting, crypto-shredding, and projections that rebuild to the same read model.
/// </summary>
/// <typeparam name="TStore">The adapter's store class, serving events, snapshots and checkpoints.</typeparam>
public abstract class EventStoreContract<TStore> : IAsyncLifetime
    where TStore : IEventStore, ISnapshotStore, ICheckpointStore
{
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public abstract ValueTask InitializeAsync();

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>Creates a migrated store instance over the shared database (a second instance = a second process).</summary>
    protected abstract Task<TStore> CreateStoreAsync(CancellationToken cancellationToken);

    /// <summary>Creates a migrated subject key store.</summary>
    protected abstract Task<ISubjectKeyStore> CreateKeyStoreAsync(CancellationToken cancellationToken);

    [Fact]
    public async Task Append_NewStream_AssignsVersionsAndIncreasingPositions()
    {
        var store = await CreateStoreAsync(Ct);
        var stream = NewStream();

        var first = await store.AppendAsync(stream, ExpectedVersion.NoStream, [Event("a"), Event("b")], Ct);
        var second = await store.AppendAsync(stream, 2, [Event("c")], Ct);

        Assert.Equal(2, first.NextExpectedVersion);
        Assert.Equal(3, second.NextExpectedVersion);
        var events = await store.ReadStreamAsync(stream, 1, null, Ct);
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.Version));
        Assert.Equal(["a", "b", "c"], events.Select(e => e.EventType));
        Assert.True(events[0].Position < events[1].Position && events[1].Position < events[2].Position);
        Assert.Equal(second.LastPosition, events[2].Position);
        Assert.Equal(Time.GetUtcNow(), events[0].RecordedAt);
    }

    [Fact]
    public async Task StreamCopy_AppendsOnlyWhatIsMissing_KeepsEventIds_AndRefusesADivergedOrAheadTarget()
    {
        // A source's history (its own event ids); built events get fresh ids, and the copy must put the source's back.
        var history = new[] { "a", "b", "c" }
            .Select(type => new StreamCopyEvent(Guid.NewGuid(), _ => ValueTask.FromResult(Event(type))))
            .ToList();
        var target = await CreateStoreAsync(Ct);
        var copy = NewStream();

        // The first two events, then all three: the second copy appends only the third, and a third copy nothing.
        Assert.Equal(new StreamCopyResult(2, 0), await target.AppendMissingAsync(copy, history.Take(2).ToList(), Ct));
        Assert.Equal(new StreamCopyResult(1, 2), await target.AppendMissingAsync(copy, history, Ct));
        Assert.Equal(new StreamCopyResult(0, 3), await target.AppendMissingAsync(copy, history, Ct));
        Assert.Equal(history.Select(h => h.EventId), (await target.ReadStreamAsync(copy, 1, null, Ct)).Select(e => e.EventId));

        // A target that went its own way, or is ahead of the source, is refused with nothing appended.
        var other = NewStream();
        await target.AppendAsync(other, ExpectedVersion.NoStream, [Event("x")], Ct);
        await Assert.ThrowsAsync<StreamHistoryConflictException>(() => target.AppendMissingAsync(other, history, Ct));
        Assert.Single(await target.ReadStreamAsync(other, 1, null, Ct));
        await Assert.ThrowsAsync<StreamHistoryConflictException>(() => target.AppendMissingAsync(copy, history.Take(1).ToList(), Ct));
    }

    [Fact]
    public async Task Append_StaleExpectedVersion_ThrowsConflictWithStreamExpectedAndActual()
    {
        var store = await CreateStoreAsync(Ct);
        var stream = NewStream();
        await store.AppendAsync(stream, ExpectedVersion.NoStream, [Event("a"), Event("b")], Ct);

        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.AppendAsync(stream, 1, [Event("c")], Ct));

        Assert.Equal(stream, conflict.StreamId);
        Assert.Equal(1, conflict.ExpectedVersion);
        Assert.Equal(2, conflict.ActualVersion);
        Assert.Equal(2, (await store.ReadStreamAsync(stream, 1, null, Ct)).Count);
    }

    [Fact]
    public async Task Append_TwoConcurrentWritersOnOneStream_ExactlyOneSucceeds()
    {
        var writers = new[] { await CreateStoreAsync(Ct), await CreateStoreAsync(Ct) };
        for (var round = 0; round < 10; round++)
        {
            var stream = NewStream();
            await writers[0].AppendAsync(stream, ExpectedVersion.NoStream, [Event("opened")], Ct);

            var outcomes = await Task.WhenAll(writers.Select(writer => Task.Run(async () =>
            {
                try
                {
                    await writer.AppendAsync(stream, 1, [Event("deposit")], Ct);
                    return true;
                }
                catch (ConcurrencyConflictException)
                {
                    return false;
                }
            }, Ct)));

            Assert.Single(outcomes, succeeded => succeeded);
            Assert.Equal(2, (await writers[1].ReadStreamAsync(stream, 1, null, Ct)).Count);
        }
    }

    [Fact]
    public async Task ReadAll_ManyStreams_GlobalPositionOrderWithoutGapsOrDuplicates()
    {
        var store = await CreateStoreAsync(Ct);
        var start = await store.GetHeadPositionAsync(Ct);
        var streams = Enumerable.Range(0, 6).Select(_ => NewStream()).ToArray();
        await Task.WhenAll(streams.Select(stream => Task.Run(async () =>
        {
            for (var i = 0; i < 5; i++)
            {
                await store.AppendAsync(stream, i, [Event("e")], Ct);
            }
        }, Ct)));

        var all = new List<RecordedEvent>();
        var after = start;
        while (true)
        {
            var page = await store.ReadAllAsync(after, 7, Ct);
            if (page.Count == 0)
            {
                break;
            }

            all.AddRange(page);
            after = page[^1].Position;
        }

        Assert.Equal(30, all.Count);
        Assert.Equal(all.Select(e => e.Position).Order(), all.Select(e => e.Position));
        Assert.Equal(30, all.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(after, await store.GetHeadPositionAsync(Ct));
    }

    [Fact]
    public async Task Repository_SaveAndLoad_RebuildsStateFromEvents()
    {
        var (repository, _, _) = await CreateRepositoryAsync(snapshotEvery: 0);
        var wallet = repository.Create(NewStream());
        wallet.Open("cust-1", "Ada Lovelace", "ada@example.org");
        wallet.Deposit(1000);
        wallet.Withdraw(250);
        await repository.SaveAsync(wallet, Ct);

        var loaded = await repository.LoadAsync(wallet.Id, Ct);

        Assert.Equal(750, loaded!.BalanceCents);
        Assert.Equal("Ada Lovelace", loaded.OwnerName);
        Assert.Equal(3, loaded.Version);
        Assert.Null(await repository.LoadAsync("missing", Ct));
    }

    [Fact]
    public async Task Repository_SnapshotEveryTen_SnapshotsTakenAndLoadEqualsFullReplay()
    {
        var (repository, store, _) = await CreateRepositoryAsync(snapshotEvery: 10);
        var wallet = repository.Create(NewStream());
        wallet.Open("cust-1", "Ada", "ada@example.org");
        await repository.SaveAsync(wallet, Ct);
        for (var i = 0; i < 24; i++)
        {
            wallet.Deposit(100);
            await repository.SaveAsync(wallet, Ct);
        }

        var snapshot = await store.LoadSnapshotAsync(repository.StreamId(wallet.Id), null, Ct);
        var fromSnapshot = await repository.LoadAsync(wallet.Id, Ct);
        var replayed = await repository.LoadWithoutSnapshotAsync(wallet.Id, Ct);

        Assert.Equal(20, snapshot!.Version);
        Assert.Equal(2400, fromSnapshot!.BalanceCents);
        Assert.Equal(replayed!.BalanceCents, fromSnapshot.BalanceCents);
        Assert.Equal(25, fromSnapshot.Version);
        Assert.Equal(1, (await store.LoadSnapshotAsync(repository.StreamId(wallet.Id), 15, Ct))!.Version / 10);
    }

    [Fact]
    public async Task Repository_ConcurrentSavesOfOneAggregate_SecondGetsConflict()
    {
        var (repository, _, _) = await CreateRepositoryAsync(snapshotEvery: 0);
        var wallet = repository.Create(NewStream());
        wallet.Open("cust-1", "Ada", "ada@example.org");
        wallet.Deposit(100);
        await repository.SaveAsync(wallet, Ct);
        var first = await repository.LoadAsync(wallet.Id, Ct);
        var second = await repository.LoadAsync(wallet.Id, Ct);

        first!.Withdraw(100);
        second!.Withdraw(100);
        await repository.SaveAsync(first, Ct);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => repository.SaveAsync(second, Ct));
        Assert.Equal(0, (await repository.LoadAsync(wallet.Id, Ct))!.BalanceCents);
    }

    [Fact]
    public async Task Repository_AsOfVersionAndTime_ReturnsPastState()
    {
        var (repository, _, _) = await CreateRepositoryAsync(snapshotEvery: 2);
        var wallet = repository.Create(NewStream());
        wallet.Open("cust-1", "Ada", "ada@example.org");
        wallet.Deposit(100);
        await repository.SaveAsync(wallet, Ct);
        var mondayEvening = Time.GetUtcNow();
        Time.Advance(TimeSpan.FromDays(1));
        wallet.Deposit(50);
        wallet.Deposit(25);
        await repository.SaveAsync(wallet, Ct);

        Assert.Equal(150, (await repository.LoadAsOfVersionAsync(wallet.Id, 3, Ct))!.BalanceCents);
        Assert.Equal(100, (await repository.LoadAsOfAsync(wallet.Id, mondayEvening, Ct))!.BalanceCents);
        Assert.Null(await repository.LoadAsOfAsync(wallet.Id, mondayEvening - TimeSpan.FromDays(1), Ct));
        Assert.Equal(175, (await repository.LoadAsync(wallet.Id, Ct))!.BalanceCents);
    }

    [Fact]
    public async Task Repository_OldEventShape_UpcastOnLoad()
    {
        var (repository, store, _) = await CreateRepositoryAsync(snapshotEvery: 0);
        var wallet = repository.Create(NewStream());
        wallet.Open("cust-1", "Ada", "ada@example.org");
        await repository.SaveAsync(wallet, Ct);

        // A v1 event as an older release wrote it: a decimal amount in euros.
        await store.AppendAsync(repository.StreamId(wallet.Id), 1, [new EventData(Guid.NewGuid(), "Deposited.v1", Encoding.UTF8.GetBytes("""{"amount":12.5}"""))], Ct);

        Assert.Equal(1250, (await repository.LoadAsync(wallet.Id, Ct))!.BalanceCents);
    }

    [Fact]
    public async Task Repository_SubjectForgotten_PersonalFieldsShreddedAndBalanceStillReplays()
    {
        var (repository, store, keys) = await CreateRepositoryAsync(snapshotEvery: 0);
        var wallet = repository.Create(NewStream());
        var owner = $"cust-{Guid.NewGuid():N}";
        wallet.Open(owner, "Grace Hopper", "grace@example.org");
        wallet.Deposit(500);
        wallet.Withdraw(120);
        await repository.SaveAsync(wallet, Ct);

        var stored = await store.ReadStreamAsync(repository.StreamId(wallet.Id), 1, 1, Ct);
        Assert.DoesNotContain("Grace", Encoding.UTF8.GetString(stored[0].Data.Span), StringComparison.Ordinal);
        Assert.Equal("Grace Hopper", (await repository.LoadAsync(wallet.Id, Ct))!.OwnerName);

        Assert.True(await keys.DeleteKeyAsync(owner, Ct));
        var forgotten = await repository.LoadAsync(wallet.Id, Ct);

        Assert.Equal(PersonalData.Shredded, forgotten!.OwnerName);
        Assert.Equal(380, forgotten.BalanceCents);
        Assert.Equal("EUR", forgotten.Currency);
        await Assert.ThrowsAsync<SubjectForgottenException>(() => keys.GetOrCreateKeyAsync(owner, Ct));
    }

    [Fact]
    public async Task Projection_RebuildFromZero_EqualsLiveReadModel()
    {
        var (repository, store, keys) = await CreateRepositoryAsync(snapshotEvery: 0);
        var projection = new BalanceProjection($"balances-{Guid.NewGuid():N}");
        using var runner = CreateRunner(store, keys, projection);
        var ids = new List<string>();
        for (var w = 0; w < 5; w++)
        {
            var wallet = repository.Create(NewStream());
            wallet.Open($"cust-{w}", "Name", "e@example.org");
            wallet.Deposit(100 * (w + 1));
            await repository.SaveAsync(wallet, Ct);
            ids.Add(wallet.Id);
            await runner.RunOnceAsync(Ct);
            wallet.Withdraw(10);
            await repository.SaveAsync(wallet, Ct);
        }

        await runner.CatchUpAsync(Ct);
        var live = projection.Snapshot(ids);
        await runner.RebuildAsync(Ct);
        var rebuilt = projection.Snapshot(ids);

        Assert.Equal([90, 190, 290, 390, 490], live);
        Assert.Equal(live, rebuilt);
        Assert.Equal(await store.GetHeadPositionAsync(Ct), await store.GetCheckpointAsync(projection.Name, Ct));
    }

    [Fact]
    public async Task Projection_ShadowRebuild_LiveReadModelStaysWholeUntilTheSwap()
    {
        var (repository, store, keys) = await CreateRepositoryAsync(snapshotEvery: 0);
        var projection = new ShadowBalanceProjection($"balances-{Guid.NewGuid():N}");
        using var runner = CreateRunner(store, keys, projection);
        var ids = new List<string>();
        for (var w = 0; w < 4; w++)
        {
            var wallet = repository.Create(NewStream());
            wallet.Open($"cust-{w}", "Name", "e@example.org");
            wallet.Deposit(100 * (w + 1));
            await repository.SaveAsync(wallet, Ct);
            ids.Add(wallet.Id);
        }

        await runner.CatchUpAsync(Ct);
        var live = projection.Snapshot(ids);
        projection.Watch(ids);

        await runner.RebuildAsync(Ct);

        // Every read taken while the shadow was filling saw the whole live read model, never a partial one.
        Assert.NotEmpty(projection.SeenDuringRebuild);
        Assert.All(projection.SeenDuringRebuild, seen => Assert.Equal(live, seen));
        Assert.Equal(live, projection.Snapshot(ids));
        Assert.Equal(1, projection.Swaps);
        Assert.Equal(await store.GetHeadPositionAsync(Ct), await store.GetCheckpointAsync(projection.Name, Ct));
    }

    [Fact]
    public async Task Projection_WaitForPosition_CompletesWhenProjectedAndHonoursDeadline()
    {
        var (repository, store, keys) = await CreateRepositoryAsync(snapshotEvery: 0);
        var projection = new BalanceProjection($"balances-{Guid.NewGuid():N}");
        using var runner = CreateRunner(store, keys, projection);
        var wallet = repository.Create(NewStream());
        wallet.Open("cust-1", "Name", "e@example.org");
        wallet.Deposit(100);
        var written = await repository.SaveAsync(wallet, Ct);

        var wait = runner.WaitForPositionAsync(written.LastPosition, Ct);
        Assert.False(wait.IsCompleted);
        await runner.CatchUpAsync(Ct);
        await wait.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal([100L], projection.Snapshot([wallet.Id]));

        using var deadline = new CancellationTokenSource();
        var late = runner.WaitForPositionAsync(written.LastPosition + 1_000_000, deadline.Token);
        await deadline.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => late);
    }

    [Fact]
    public async Task Projection_WaiterArrives_RunnerPollsAtOnceInsteadOfAtTheEndOfItsInterval()
    {
        var (repository, store, keys) = await CreateRepositoryAsync(snapshotEvery: 0);
        var projection = new BalanceProjection($"balances-{Guid.NewGuid():N}");
        // A minute between polls on a clock that never moves: only the waiter can make the runner poll again.
        using var runner = CreateRunner(store, keys, projection, TimeSpan.FromMinutes(1));
        await runner.StartAsync(Ct);
        try
        {
            using (var started = CancellationTokenSource.CreateLinkedTokenSource(Ct))
            {
                started.CancelAfter(TimeSpan.FromSeconds(10));
                while (runner.Position < 0)
                {
                    await Task.Delay(10, started.Token);
                }
            }

            var wallet = repository.Create(NewStream());
            wallet.Open("cust-1", "Name", "e@example.org");
            wallet.Deposit(250);
            var written = await repository.SaveAsync(wallet, Ct);

            await runner.WaitForPositionAsync(written.LastPosition, Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);
            Assert.Equal([250L], projection.Snapshot([wallet.Id]));
        }
        finally
        {
            await runner.StopAsync(CancellationToken.None);
        }
    }

    protected static string NewStream() => $"s-{Guid.NewGuid():N}";

    private static EventData Event(string type) => new(Guid.NewGuid(), type, Encoding.UTF8.GetBytes("{}"));

    private async Task<(AggregateRepository<TestWallet> Repository, TStore Store, ISubjectKeyStore Keys)> CreateRepositoryAsync(int snapshotEvery)
    {
        var store = await CreateStoreAsync(Ct);
        var keys = await CreateKeyStoreAsync(Ct);
        var repository = new AggregateRepository<TestWallet>(
            store,
            new EventSerializer(TestWallet.Registry(), keys),
            store,
            Options.Create(new AggregateRepositoryOptions { SnapshotEvery = snapshotEvery }));
        return (repository, store, keys);
    }

    private ProjectionRunner CreateRunner(TStore store, ISubjectKeyStore keys, IProjection projection, TimeSpan? pollInterval = null) => new(
        store,
        new EventSerializer(TestWallet.Registry(), keys),
        store,
        projection,
        Options.Create(new ProjectionRunnerOptions { BatchSize = 3, PollInterval = pollInterval ?? TimeSpan.FromMilliseconds(200) }),
        Time,
        NullLogger<ProjectionRunner>.Instance);

    /// <summary>Balances, rebuilt into a second dictionary swapped in at the end; records what readers saw meanwhile.</summary>
    private sealed class ShadowBalanceProjection(string name) : IShadowRebuildProjection
    {
        private BalanceProjection _live = new(name);
        private BalanceProjection? _shadow;
        private List<string> _watched = [];

        public string Name { get; } = name;

        public int Swaps { get; private set; }

        public List<long[]> SeenDuringRebuild { get; } = [];

        public void Watch(List<string> ids) => _watched = ids;

        public Task ApplyAsync(RecordedEvent recorded, object domainEvent, CancellationToken cancellationToken) =>
            _live.ApplyAsync(recorded, domainEvent, cancellationToken);

        public Task ResetAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("A shadow rebuild never empties the live read model.");

        public Task BeginShadowAsync(CancellationToken cancellationToken)
        {
            _shadow = new BalanceProjection(Name);
            return Task.CompletedTask;
        }

        public Task ApplyToShadowAsync(RecordedEvent recorded, object domainEvent, CancellationToken cancellationToken)
        {
            SeenDuringRebuild.Add(_live.Snapshot(_watched));
            return _shadow!.ApplyAsync(recorded, domainEvent, cancellationToken);
        }

        public Task SwapShadowAsync(CancellationToken cancellationToken)
        {
            _live = _shadow!;
            _shadow = null;
            Swaps++;
            return Task.CompletedTask;
        }

        public long[] Snapshot(IEnumerable<string> walletIds) => _live.Snapshot(walletIds);
    }

    /// <summary>A read model of balances per wallet stream; idempotent by (stream, version).</summary>
    private sealed class BalanceProjection(string name) : IProjection
    {
        private readonly ConcurrentDictionary<string, (long Version, long Balance)> _balances = new();

        public string Name { get; } = name;

        public Task ApplyAsync(RecordedEvent recorded, object domainEvent, CancellationToken cancellationToken)
        {
            var delta = domainEvent switch
            {
                Deposited d => d.AmountCents,
                Withdrawn w => -w.AmountCents,
                _ => 0,
            };
            _balances.AddOrUpdate(
                recorded.StreamId,
                _ => (recorded.Version, delta),
                (_, current) => recorded.Version <= current.Version ? current : (recorded.Version, current.Balance + delta));
            return Task.CompletedTask;
        }

        public Task ResetAsync(CancellationToken cancellationToken)
        {
            _balances.Clear();
            return Task.CompletedTask;
        }

        public long[] Snapshot(IEnumerable<string> walletIds) =>
            [.. walletIds.Select(id => _balances.TryGetValue("TestWallet-" + id, out var entry) ? entry.Balance : 0)];
    }
}
