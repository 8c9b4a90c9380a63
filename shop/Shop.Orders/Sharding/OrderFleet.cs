using System.Globalization;
using Bulwark.Data;
using Bulwark.Resilience.Deadlines;
using Bulwark.Sharding;
using Shop.Infrastructure.Data;

namespace Shop.Orders.Sharding;

/// <summary>
/// The cross-shard admin read of the orders: every shard's order counts by status asked at once (scatter-gather), each
/// cut off before the request's deadline so the answer still goes out; a shard that did not answer in time, or failed,
/// is named (<c>partial</c>, <c>missingShards</c>), never left out of the totals silently. Unsharded, the shop database is
/// the one "shard". The same shape as the wallets' summary.
/// </summary>
internal sealed class OrderFleet(IShardRouter? router, ModuleDatabase<OrdersModule> orders, TimeProvider timeProvider)
{
    // Kept back from the deadline to write the answer; without a deadline, the whole gather's budget.
    private static readonly TimeSpan AnswerMargin = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan BudgetWithoutDeadline = TimeSpan.FromSeconds(5);
    private const string LateReason = "did not answer before the request's deadline";

    // One statement for SQLite (unsharded) and PostgreSQL (the shards).
    private const string CountSql =
        "SELECT COUNT(*), SUM(CASE WHEN status = 'Pending' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'Confirmed' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'Rejected' THEN 1 ELSE 0 END) FROM orders_orders;";

    public async Task<OrderFleetSummary> SummarizeAsync(CancellationToken cancellationToken)
    {
        var targets = router is null
            ? [KeyValuePair.Create("shop", orders.Shop.Sql)]
            : router.Shards.Select(s => KeyValuePair.Create(s.Name, s.Database)).ToArray();
        var budget = DeadlineContext.Current is { } deadline ? deadline.Remaining(timeProvider) - AnswerMargin : BudgetWithoutDeadline;
        if (budget < TimeSpan.Zero)
        {
            budget = TimeSpan.Zero;
        }

        using var cutOff = new CancellationTokenSource(budget, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cutOff.Token, cancellationToken);
        var answers = await Task.WhenAll(targets.Select(t => WithinCutAsync(t.Key, CountAsync(t.Key, t.Value, linked.Token), linked.Token)));
        cancellationToken.ThrowIfCancellationRequested();
        var shards = answers.Where(a => a.Missing is null).Select(a => a.Counts!).ToArray();
        var missing = answers.Where(a => a.Missing is not null).Select(a => a.Missing!).ToArray();
        return new OrderFleetSummary(
            shards.Sum(s => s.Orders), shards.Sum(s => s.Pending), shards.Sum(s => s.Confirmed), shards.Sum(s => s.Rejected), missing.Length > 0, shards, missing);
    }

    // The answer goes out at the cut without waiting for a late shard's query to wind down (cancelling it is a round trip
    // of its own); the abandoned count ends by itself, its errors caught in CountAsync.
    private static async Task<(ShardOrderCounts? Counts, MissingOrderShard? Missing)> WithinCutAsync(
        string shard, Task<(ShardOrderCounts? Counts, MissingOrderShard? Missing)> count, CancellationToken cut)
    {
        try
        {
            return await count.WaitAsync(cut);
        }
        catch (OperationCanceledException) when (cut.IsCancellationRequested)
        {
            return (null, new MissingOrderShard(shard, LateReason));
        }
    }

    private static async Task<(ShardOrderCounts? Counts, MissingOrderShard? Missing)> CountAsync(string shard, SqlDatabase database, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            await using var command = connection.CreateCommand(CountSql);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            long At(int i) => reader.IsDBNull(i) ? 0 : Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
            return (new ShardOrderCounts(shard, At(0), At(1), At(2), At(3)), null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (null, new MissingOrderShard(shard, LateReason));
        }
        catch (System.Data.Common.DbException e)
        {
            // Npgsql reports a cancelled query as its own exception; any other database error leaves this shard out, named.
            return (null, new MissingOrderShard(shard, cancellationToken.IsCancellationRequested ? LateReason : string.Create(CultureInfo.InvariantCulture, $"failed: {e.Message}")));
        }
    }
}

/// <summary>Orders across every shard.</summary>
/// <param name="Orders">Orders on the shards that answered.</param>
/// <param name="Pending">Of which pending.</param>
/// <param name="Confirmed">Of which confirmed.</param>
/// <param name="Rejected">Of which rejected.</param>
/// <param name="Partial">Whether a shard is missing from the totals.</param>
/// <param name="Shards">Each answering shard's counts.</param>
/// <param name="MissingShards">The shards that did not answer, and why.</param>
internal sealed record OrderFleetSummary(long Orders, long Pending, long Confirmed, long Rejected, bool Partial, IReadOnlyList<ShardOrderCounts> Shards, IReadOnlyList<MissingOrderShard> MissingShards);

/// <summary>One shard's order counts.</summary>
/// <param name="Shard">The shard.</param>
/// <param name="Orders">Its orders.</param>
/// <param name="Pending">Pending.</param>
/// <param name="Confirmed">Confirmed.</param>
/// <param name="Rejected">Rejected.</param>
internal sealed record ShardOrderCounts(string Shard, long Orders, long Pending, long Confirmed, long Rejected);

/// <summary>A shard missing from the summary.</summary>
/// <param name="Shard">The shard.</param>
/// <param name="Reason">Why.</param>
internal sealed record MissingOrderShard(string Shard, string Reason);
