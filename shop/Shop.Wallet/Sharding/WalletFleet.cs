using System.Globalization;
using Bulwark.Data;
using Bulwark.Resilience.Deadlines;
using Bulwark.Sharding;
using Shop.Infrastructure.Data;

namespace Shop.Wallet.Sharding;

/// <summary>
/// The cross-shard admin summary: one query per shard at once (scatter-gather), each cut off before the request's
/// deadline so the answer still goes out; a shard that did not answer in time, or failed, is named in the answer
/// (<c>partial</c>, <c>missingShards</c>), never left out silently. Unsharded, the shop database is the one "shard".
/// </summary>
internal sealed class WalletFleet(IShardRouter? router, ShopDatabase shop, TimeProvider timeProvider)
{
    private const string CountSql = "SELECT COUNT(DISTINCT stream_id), COUNT(*) FROM bulwark_events WHERE stream_id LIKE 'WalletAccount-%';";

    private const string OpenedSql = "SELECT stream_id, event_type, data FROM bulwark_events WHERE stream_id LIKE 'WalletAccount-%' AND event_type LIKE 'wallet.WalletOpened%' ORDER BY position;";
    private const string OpenedType = "wallet.WalletOpened";
    private const string StreamPrefix = "WalletAccount-";

    /// <summary>
    /// The ids of every wallet <paramref name="customerId"/> opened, on every shard (or the shop database), oldest first.
    /// Unlike the summary this is all or nothing: a shard that fails throws, so an erasure or a move never acts on a
    /// partial list. A scan of every WalletOpened, which an operator's move or erasure (rare) can afford; a per-customer
    /// index would make it a lookup.
    /// </summary>
    public async Task<IReadOnlyList<string>> WalletsOfAsync(Guid customerId, CancellationToken cancellationToken)
    {
        var wallets = new List<string>();
        foreach (var database in router is null ? [shop.Sql] : router.Shards.Select(s => s.Database))
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            await using var command = connection.CreateCommand(OpenedSql);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (IsOpened(reader.GetString(1)) && OwnerOf(reader.GetFieldValue<byte[]>(2)) == customerId)
                {
                    wallets.Add(reader.GetString(0)[StreamPrefix.Length..]);
                }
            }
        }

        return wallets;
    }

    // Stored names carry their version ("wallet.WalletOpened.v1", EventTypeRegistry.GetTypeName); a name without one
    // reads as v1. Comparing with the bare name found no wallet, so a cell move once copied nothing.
    private static bool IsOpened(string eventType) =>
        eventType == OpenedType || (eventType.StartsWith(OpenedType + ".v", StringComparison.Ordinal) && int.TryParse(eventType.AsSpan(OpenedType.Length + 2), NumberStyles.None, CultureInfo.InvariantCulture, out _));

    // The owner is not a personal field: it is stored in clear beside the encrypted ones.
    private static Guid? OwnerOf(byte[] data) =>
        System.Text.Json.Nodes.JsonNode.Parse(data)?["customerId"]?.GetValue<string>() is { } owner && Guid.TryParse(owner, out var id) ? id : null;

    public async Task<WalletSummary> SummarizeAsync(CancellationToken cancellationToken)
    {
        var targets = router is null
            ? [KeyValuePair.Create("shop", shop.Sql)]
            : router.Shards.Select(s => KeyValuePair.Create(s.Name, s.Database)).ToArray();
        var gathered = await ShardGather.QueryAsync(targets, CountAsync, ShardGather.BudgetFrom(DeadlineContext.Current?.Remaining(timeProvider)), timeProvider, cancellationToken);
        var shards = gathered.Answers.Select(a => new ShardWalletSummary(a.Shard, a.Value.Wallets, a.Value.Events)).ToArray();
        return new WalletSummary(shards.Sum(s => s.Wallets), shards.Sum(s => s.Events), gathered.Partial, shards, gathered.Missing);
    }

    private static async Task<(long Wallets, long Events)> CountAsync(SqlDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand(CountSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}

/// <summary>Wallets across every shard.</summary>
/// <param name="Wallets">Wallets on the shards that answered.</param>
/// <param name="Events">Wallet events on the shards that answered.</param>
/// <param name="Partial">Whether a shard is missing from the totals.</param>
/// <param name="Shards">Each answering shard's counts.</param>
/// <param name="MissingShards">The shards that did not answer, and why.</param>
internal sealed record WalletSummary(long Wallets, long Events, bool Partial, IReadOnlyList<ShardWalletSummary> Shards, IReadOnlyList<MissingShard> MissingShards);

/// <summary>One shard's wallet counts.</summary>
/// <param name="Shard">The shard.</param>
/// <param name="Wallets">Its wallets.</param>
/// <param name="Events">Its wallet events.</param>
internal sealed record ShardWalletSummary(string Shard, long Wallets, long Events);
