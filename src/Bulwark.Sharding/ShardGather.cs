using System.Data.Common;
using System.Globalization;
using Bulwark.Data;

namespace Bulwark.Sharding;

/// <summary>
/// A cross-shard read (scatter-gather): one query per shard at once, all cut off together when the budget is spent, so
/// the answer goes out in time; a shard that did not answer by then, or failed, is named in the result, never left out
/// silently.
/// </summary>
public static class ShardGather
{
    /// <summary>What is kept back from the request's deadline to write the answer.</summary>
    public static readonly TimeSpan AnswerMargin = TimeSpan.FromMilliseconds(250);

    /// <summary>The whole gather's budget when the request has no deadline.</summary>
    public static readonly TimeSpan BudgetWithoutDeadline = TimeSpan.FromSeconds(5);

    /// <summary>The reason given for a shard cut off by the budget.</summary>
    public const string LateReason = "did not answer before the request's deadline";

    /// <summary>The gather's budget from what is left of the request's deadline: that less <see cref="AnswerMargin"/>, never negative; <see cref="BudgetWithoutDeadline"/> without one.</summary>
    /// <param name="remaining">What is left of the request's deadline, or <see langword="null"/> without one.</param>
    /// <returns>The budget.</returns>
    public static TimeSpan BudgetFrom(TimeSpan? remaining) =>
        remaining is not { } left ? BudgetWithoutDeadline : left - AnswerMargin > TimeSpan.Zero ? left - AnswerMargin : TimeSpan.Zero;

    /// <summary>Runs <paramref name="query"/> on every target at once within <paramref name="budget"/>.</summary>
    /// <typeparam name="T">A shard's answer.</typeparam>
    /// <param name="targets">Shard names and their databases (unsharded: the one database under a name of its own).</param>
    /// <param name="query">The query, given the shard's database and a token cancelled at the cut.</param>
    /// <param name="budget">How long the gather may take (see <see cref="BudgetFrom"/>).</param>
    /// <param name="timeProvider">The clock the cut runs on.</param>
    /// <param name="cancellationToken">The caller's token; its cancellation is thrown, not reported as missing shards.</param>
    /// <returns>The answers in the order of <paramref name="targets"/>, and the shards missing from them.</returns>
    public static async Task<ShardGatherResult<T>> QueryAsync<T>(
        IEnumerable<KeyValuePair<string, SqlDatabase>> targets, Func<SqlDatabase, CancellationToken, Task<T>> query, TimeSpan budget, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, TimeSpan.Zero);
        using var cutOff = new CancellationTokenSource(budget, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cutOff.Token, cancellationToken);
        var results = await Task.WhenAll(targets.Select(t => WithinCutAsync(t.Key, AskAsync(t.Key, t.Value, query, linked.Token), linked.Token))).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return new ShardGatherResult<T>(
            [.. results.Where(r => r.Missing is null).Select(r => r.Answer!)],
            [.. results.Where(r => r.Missing is not null).Select(r => r.Missing!)]);
    }

    // The answer goes out at the cut without waiting for a late shard's query to wind down: cancelling a PostgreSQL query
    // is a round trip of its own (a CI run once spent the whole margin on it and answered 504), and the abandoned query
    // ends by itself, its errors already caught in AskAsync.
    private static async Task<(ShardAnswer<T>? Answer, MissingShard? Missing)> WithinCutAsync<T>(string shard, Task<(ShardAnswer<T>? Answer, MissingShard? Missing)> ask, CancellationToken cut)
    {
        try
        {
            return await ask.WaitAsync(cut).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cut.IsCancellationRequested)
        {
            return (null, new MissingShard(shard, LateReason));
        }
    }

    private static async Task<(ShardAnswer<T>? Answer, MissingShard? Missing)> AskAsync<T>(string shard, SqlDatabase database, Func<SqlDatabase, CancellationToken, Task<T>> query, CancellationToken cancellationToken)
    {
        try
        {
            return (new ShardAnswer<T>(shard, await query(database, cancellationToken).ConfigureAwait(false)), null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (null, new MissingShard(shard, LateReason));
        }
        catch (DbException e)
        {
            // Npgsql reports a cancelled query as its own exception: the shard still did not answer in time. Any other
            // database error leaves this shard out too, named, while the others still answer.
            return (null, new MissingShard(shard, cancellationToken.IsCancellationRequested ? LateReason : string.Create(CultureInfo.InvariantCulture, $"failed: {e.Message}")));
        }
    }
}

/// <summary>What a <see cref="ShardGather"/> read gathered.</summary>
/// <typeparam name="T">A shard's answer.</typeparam>
/// <param name="Answers">The shards that answered, each with its answer.</param>
/// <param name="Missing">The shards that did not, and why.</param>
public sealed record ShardGatherResult<T>(IReadOnlyList<ShardAnswer<T>> Answers, IReadOnlyList<MissingShard> Missing)
{
    /// <summary>Whether a shard is missing from the answers.</summary>
    public bool Partial => Missing.Count > 0;
}

/// <summary>One shard's answer.</summary>
/// <typeparam name="T">The answer.</typeparam>
/// <param name="Shard">The shard.</param>
/// <param name="Value">Its answer.</param>
public sealed record ShardAnswer<T>(string Shard, T Value);

/// <summary>A shard missing from a cross-shard read.</summary>
/// <param name="Shard">The shard.</param>
/// <param name="Reason">Why: it did not answer before the deadline, or it failed (with the database's message).</param>
public sealed record MissingShard(string Shard, string Reason);
