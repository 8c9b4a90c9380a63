using System.Globalization;
using Bulwark.Data;
using Bulwark.Resilience.Deadlines;
using Bulwark.Sharding;
using Shop.Infrastructure.Data;

namespace Shop.Orders.Sharding;

/// <summary>
/// The cross-shard admin read of the orders: every shard's order counts by status asked at once (scatter-gather), each
/// cut off before the request's deadline so the answer still goes out; a shard that did not answer in time, or failed,
/// is named (<c>partial</c>, <c>missingShards</c>), never left out of the totals silently (<see cref="ShardGather"/>).
/// Unsharded, the shop database is the one "shard". The same shape as the wallets' summary.
/// </summary>
internal sealed class OrderFleet(IShardRouter? router, ModuleDatabase<OrdersModule> orders, TimeProvider timeProvider)
{
    // One statement for SQLite (unsharded) and PostgreSQL (the shards).
    private const string CountSql =
        "SELECT COUNT(*), SUM(CASE WHEN status = 'Pending' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'Confirmed' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'Rejected' THEN 1 ELSE 0 END) FROM orders_orders;";

    public async Task<OrderFleetSummary> SummarizeAsync(CancellationToken cancellationToken)
    {
        var targets = router is null
            ? [KeyValuePair.Create("shop", orders.Shop.Sql)]
            : router.Shards.Select(s => KeyValuePair.Create(s.Name, s.Database)).ToArray();
        var gathered = await ShardGather.QueryAsync(targets, CountAsync, ShardGather.BudgetFrom(DeadlineContext.Current?.Remaining(timeProvider)), timeProvider, cancellationToken);
        var shards = gathered.Answers.Select(a => a.Value with { Shard = a.Shard }).ToArray();
        return new OrderFleetSummary(
            shards.Sum(s => s.Orders), shards.Sum(s => s.Pending), shards.Sum(s => s.Confirmed), shards.Sum(s => s.Rejected), gathered.Partial, shards, gathered.Missing);
    }

    private static async Task<ShardOrderCounts> CountAsync(SqlDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand(CountSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        long At(int i) => reader.IsDBNull(i) ? 0 : Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
        return new ShardOrderCounts(string.Empty, At(0), At(1), At(2), At(3));
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
internal sealed record OrderFleetSummary(long Orders, long Pending, long Confirmed, long Rejected, bool Partial, IReadOnlyList<ShardOrderCounts> Shards, IReadOnlyList<MissingShard> MissingShards);

/// <summary>One shard's order counts.</summary>
/// <param name="Shard">The shard.</param>
/// <param name="Orders">Its orders.</param>
/// <param name="Pending">Pending.</param>
/// <param name="Confirmed">Confirmed.</param>
/// <param name="Rejected">Rejected.</param>
internal sealed record ShardOrderCounts(string Shard, long Orders, long Pending, long Confirmed, long Rejected);
