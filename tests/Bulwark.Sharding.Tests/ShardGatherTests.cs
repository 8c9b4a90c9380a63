using Bulwark.Data;
using Bulwark.Postgres;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Bulwark.Sharding.Tests;

/// <summary>The cross-shard read's cut and its named missing shards, on a fake clock (the queries never reach a server).</summary>
public sealed class ShardGatherTests : IAsyncDisposable
{
    private readonly NpgsqlDataSource _nowhere = NpgsqlDataSource.Create("Host=127.0.0.1;Database=none");
    private readonly FakeTimeProvider _time = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Query_OneShardSlowPastTheBudget_TheOthersAnswerAndItIsNamedLate()
    {
        var slow = new TaskCompletionSource();
        var gather = ShardGather.QueryAsync(
            Targets("shard-0", "shard-1", "shard-2"),
            async (database, token) =>
            {
                if (database == _slowOne)
                {
                    await slow.Task.WaitAsync(token);
                }

                return 1;
            },
            TimeSpan.FromSeconds(2),
            _time,
            Ct);

        _time.Advance(TimeSpan.FromSeconds(2));
        var result = await gather;

        Assert.Equal(["shard-0", "shard-2"], result.Answers.Select(a => a.Shard));
        Assert.True(result.Partial);
        Assert.Equal(new MissingShard("shard-1", ShardGather.LateReason), Assert.Single(result.Missing));
    }

    [Fact]
    public async Task Query_AShardFails_ItIsNamedWithTheDatabasesMessage()
    {
        var result = await ShardGather.QueryAsync(
            Targets("a", "b"),
            (database, _) => database == _slowOne ? throw new PostgresException("relation does not exist", "ERROR", "ERROR", "42P01") : Task.FromResult(7),
            TimeSpan.FromSeconds(2),
            _time,
            Ct);

        Assert.Equal(7, Assert.Single(result.Answers).Value);
        Assert.StartsWith("failed: 42P01", Assert.Single(result.Missing).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_TheCallerCancels_ThrowsInsteadOfNamingEveryShardLate()
    {
        using var caller = new CancellationTokenSource();
        var gather = ShardGather.QueryAsync(Targets("a", "b"), async (_, token) => { await Task.Delay(Timeout.InfiniteTimeSpan, token); return 0; }, TimeSpan.FromSeconds(2), _time, caller.Token);

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gather);
    }

    [Theory]
    [InlineData(null, 5000)]
    [InlineData(1000, 750)]
    [InlineData(100, 0)]
    public void BudgetFrom_KeepsTheAnswerMarginBackAndNeverGoesBelowZero(int? remainingMs, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), ShardGather.BudgetFrom(remainingMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null));

    public async ValueTask DisposeAsync() => await _nowhere.DisposeAsync();

    // The second target is the one a test makes slow or failing.
    private SqlDatabase? _slowOne;

    private KeyValuePair<string, SqlDatabase>[] Targets(params string[] names)
    {
        var targets = names.Select(n => KeyValuePair.Create(n, PostgresDatabase.Create(_nowhere))).ToArray();
        _slowOne = targets[1].Value;
        return targets;
    }
}
