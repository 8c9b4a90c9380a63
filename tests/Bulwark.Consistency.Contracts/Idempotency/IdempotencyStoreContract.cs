using System.Text;
using Bulwark.Idempotency;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Consistency.Contracts.Idempotency;

/// <summary>What every idempotency store must do: one atomic claim, replayable responses, owner-checked writes, expiry.</summary>
public abstract class IdempotencyStoreContract : IAsyncLifetime
{
    private static readonly TimeSpan Lock = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A key unique to this test run (shared servers keep keys of other runs).</summary>
    protected static string NewKey() => $"caller-1:{Guid.NewGuid():N}";

    /// <summary>A caller scope unique to this test run, so counts never include another run's keys.</summary>
    protected static string NewScope() => $"caller-{Guid.NewGuid():N}";

    public abstract ValueTask InitializeAsync();

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>Creates a store instance over the shared storage (a second instance = a second process).</summary>
    protected abstract Task<IIdempotencyStore> CreateStoreAsync(CancellationToken cancellationToken);

    [Fact]
    public async Task TryBegin_NewKey_AcquiresAndSecondCallSeesInFlight()
    {
        var store = await CreateStoreAsync(Ct);
        var key = NewKey();

        var first = await store.TryBeginAsync(key, "fp-1", Lock, Ct);
        var second = await store.TryBeginAsync(key, "fp-2", Lock, Ct);

        Assert.True(first.Acquired);
        Assert.False(second.Acquired);
        Assert.Equal(IdempotencyState.InFlight, second.Existing!.State);
        Assert.Equal("fp-1", second.Existing.Fingerprint);
        Assert.Equal(first.Owner, second.Existing.Owner);
    }

    [Fact]
    public async Task Complete_ByOwner_StoresResponseForReplay()
    {
        var store = await CreateStoreAsync(Ct);
        var key = NewKey();
        var begin = await store.TryBeginAsync(key, "fp", Lock, Ct);
        var headers = new Dictionary<string, string[]> { ["Location"] = ["/orders/1"], ["Content-Type"] = ["application/json"] };

        Assert.True(await store.CompleteAsync(key, begin.Owner!.Value, new IdempotentResponse(201, headers, Encoding.UTF8.GetBytes("{\"id\":1}")), Retention, Ct));

        var record = await store.GetAsync(key, Ct);
        Assert.Equal(IdempotencyState.Completed, record!.State);
        Assert.Equal(201, record.Response!.StatusCode);
        Assert.Equal(["/orders/1"], record.Response.Headers["Location"]);
        Assert.Equal("{\"id\":1}", Encoding.UTF8.GetString(record.Response.Body.Span));
        Assert.Equal("fp", record.Fingerprint);
        var again = await store.TryBeginAsync(key, "fp", Lock, Ct);
        Assert.False(again.Acquired);
        Assert.Equal(IdempotencyState.Completed, again.Existing!.State);
    }

    [Fact]
    public async Task CompleteAndRelease_NotOwner_Refused()
    {
        var store = await CreateStoreAsync(Ct);
        var key = NewKey();
        await store.TryBeginAsync(key, "fp", Lock, Ct);

        Assert.False(await store.CompleteAsync(key, Guid.NewGuid(), new IdempotentResponse(200, new Dictionary<string, string[]>(), Array.Empty<byte>()), Retention, Ct));
        Assert.False(await store.ReleaseAsync(key, Guid.NewGuid(), Ct));
        Assert.Equal(IdempotencyState.InFlight, (await store.GetAsync(key, Ct))!.State);
    }

    [Fact]
    public async Task Release_ByOwner_KeyCanBeClaimedAgain()
    {
        var store = await CreateStoreAsync(Ct);
        var key = NewKey();
        var begin = await store.TryBeginAsync(key, "fp", Lock, Ct);

        Assert.True(await store.ReleaseAsync(key, begin.Owner!.Value, Ct));

        Assert.Null(await store.GetAsync(key, Ct));
        Assert.True((await store.TryBeginAsync(key, "fp", Lock, Ct)).Acquired);
    }

    [Fact]
    public async Task Release_ByOwner_LeavesNothingCountedForTheScope()
    {
        var store = await CreateStoreAsync(Ct);
        var scope = NewScope();
        var keys = Enumerable.Range(0, 5).Select(i => $"{scope}:rejected-{i}").ToList();
        foreach (var key in keys)
        {
            var begin = await store.TryBeginAsync(key, "fp", Lock, Ct);
            Assert.True(await store.ReleaseAsync(key, begin.Owner!.Value, Ct));
        }

        Assert.Equal(0, await store.CountLiveAsync(scope, Ct));
        foreach (var key in keys)
        {
            Assert.Null(await store.GetAsync(key, Ct));
        }
    }

    [Fact]
    public async Task CountLive_CountsInFlightAndCompletedOfItsScopeOnly_UntilTheyExpire()
    {
        var store = await CreateStoreAsync(Ct);
        var scope = NewScope();
        var other = NewScope();
        var completed = await store.TryBeginAsync($"{scope}:completed", "fp", Lock, Ct);
        await store.CompleteAsync($"{scope}:completed", completed.Owner!.Value, new IdempotentResponse(201, new Dictionary<string, string[]>(), Array.Empty<byte>()), Retention, Ct);
        await store.TryBeginAsync($"{scope}:in-flight", "fp", Lock, Ct);
        var released = await store.TryBeginAsync($"{scope}:released", "fp", Lock, Ct);
        await store.ReleaseAsync($"{scope}:released", released.Owner!.Value, Ct);
        await store.TryBeginAsync($"{other}:elsewhere", "fp", Lock, Ct);

        Assert.Equal(2, await store.CountLiveAsync(scope, Ct));
        Assert.Equal(1, await store.CountLiveAsync(other, Ct));

        // The in-flight claim is abandoned after its lock timeout; the completed one lives for its retention.
        Time.Advance(Lock + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await store.CountLiveAsync(scope, Ct));
        Time.Advance(Retention);
        Assert.Equal(0, await store.CountLiveAsync(scope, Ct));
    }

    // Issue 13: the cap's 429 says when the caller gets room again (Retry-After), from the first live key to expire.
    [Fact]
    public async Task OldestLiveExpiry_TheFirstOfTheScopesLiveRecordsToExpire_NoneWhenEmpty()
    {
        var store = await CreateStoreAsync(Ct);
        var scope = NewScope();
        var other = NewScope();
        Assert.Null(await store.OldestLiveExpiryAsync(scope, Ct));
        var start = Time.GetUtcNow();
        var completed = await store.TryBeginAsync($"{scope}:completed", "fp", Lock, Ct);
        await store.CompleteAsync($"{scope}:completed", completed.Owner!.Value, new IdempotentResponse(201, new Dictionary<string, string[]>(), Array.Empty<byte>()), Retention, Ct);
        Time.Advance(TimeSpan.FromSeconds(10));
        await store.TryBeginAsync($"{scope}:in-flight", "fp", Lock, Ct);
        var released = await store.TryBeginAsync($"{scope}:released", "fp", Lock, Ct);
        await store.ReleaseAsync($"{scope}:released", released.Owner!.Value, Ct);
        await store.TryBeginAsync($"{other}:elsewhere", "fp", TimeSpan.FromSeconds(5), Ct);

        // The in-flight claim's lock ends first; once it is abandoned, the completed record's retention.
        Assert.Equal(start + TimeSpan.FromSeconds(10) + Lock, await store.OldestLiveExpiryAsync(scope, Ct));
        Time.Advance(Lock + TimeSpan.FromSeconds(1));
        Assert.Equal(start + Retention, await store.OldestLiveExpiryAsync(scope, Ct));
        Time.Advance(Retention);
        Assert.Null(await store.OldestLiveExpiryAsync(scope, Ct));
    }

    [Fact]
    public async Task CountLive_ManyConcurrentClaimsInOneScope_CountsEach()
    {
        var store = await CreateStoreAsync(Ct);
        var scope = NewScope();

        var claims = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => store.TryBeginAsync($"{scope}:parallel-{i}", "fp", Lock, Ct)));

        Assert.All(claims, c => Assert.True(c.Acquired));
        Assert.Equal(40, await store.CountLiveAsync(scope, Ct));
    }

    [Fact]
    public async Task TryBegin_InFlightClaimAbandoned_TakenOverAndOldOwnerCannotComplete()
    {
        var store = await CreateStoreAsync(Ct);
        var key = NewKey();
        var dead = await store.TryBeginAsync(key, "fp", Lock, Ct);

        Time.Advance(Lock + TimeSpan.FromSeconds(1));
        var next = await store.TryBeginAsync(key, "fp", Lock, Ct);

        Assert.True(next.Acquired);
        Assert.False(await store.CompleteAsync(key, dead.Owner!.Value, new IdempotentResponse(200, new Dictionary<string, string[]>(), Array.Empty<byte>()), Retention, Ct));
    }

    [Fact]
    public async Task Get_CompletedKeyPastRetention_ReadsAsAbsentAndIsPurgeable()
    {
        var store = await CreateStoreAsync(Ct);
        var key = NewKey();
        var begin = await store.TryBeginAsync(key, "fp", Lock, Ct);
        await store.CompleteAsync(key, begin.Owner!.Value, new IdempotentResponse(200, new Dictionary<string, string[]>(), Array.Empty<byte>()), Retention, Ct);

        Time.Advance(Retention - TimeSpan.FromMinutes(1));
        Assert.NotNull(await store.GetAsync(key, Ct));
        Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(await store.GetAsync(key, Ct));
        await store.PurgeExpiredAsync(Ct);
        Assert.True((await store.TryBeginAsync(key, "fp", Lock, Ct)).Acquired);
    }

    [Fact]
    public async Task TryBegin_ManyConcurrentInstances_ExactlyOneAcquires()
    {
        for (var round = 0; round < 5; round++)
        {
            var stores = new List<IIdempotencyStore>();
            for (var i = 0; i < 4; i++)
            {
                stores.Add(await CreateStoreAsync(Ct));
            }

            var key = NewKey();
            var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
                Task.Run(() => stores[i % stores.Count].TryBeginAsync(key, "fp", Lock, Ct), Ct)));

            Assert.Single(results, r => r.Acquired);
        }
    }
}
