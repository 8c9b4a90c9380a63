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
    // Kept back from the deadline to write the answer; without a deadline, the whole gather's budget.
    private static readonly TimeSpan AnswerMargin = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan BudgetWithoutDeadline = TimeSpan.FromSeconds(5);

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
        var budget = DeadlineContext.Current is { } deadline ? deadline.Remaining(timeProvider) - AnswerMargin : BudgetWithoutDeadline;
        if (budget < TimeSpan.Zero)
        {
            budget = TimeSpan.Zero;
        }

        using var cutOff = new CancellationTokenSource(budget, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cutOff.Token, cancellationToken);
        var answers = await Task.WhenAll(targets.Select(t => WithinCutAsync(t.Key, CountAsync(t.Key, t.Value, linked.Token), linked.Token)));
        cancellationToken.ThrowIfCancellationRequested();
        var shards = answers.Where(a => a.Missing is null).Select(a => a.Summary!).ToArray();
        var missing = answers.Where(a => a.Missing is not null).Select(a => a.Missing!).ToArray();
        return new WalletSummary(shards.Sum(s => s.Wallets), shards.Sum(s => s.Events), missing.Length > 0, shards, missing);
    }

    // The answer goes out at the cut without waiting for a late shard's query to wind down: cancelling a PostgreSQL
    // query is a round trip of its own (a CI run spent the whole margin on it and answered 504), and the abandoned count
    // ends by itself, its errors already caught in CountAsync.
    private static async Task<(ShardWalletSummary? Summary, MissingShard? Missing)> WithinCutAsync(
        string shard, Task<(ShardWalletSummary? Summary, MissingShard? Missing)> count, CancellationToken cut)
    {
        try
        {
            return await count.WaitAsync(cut);
        }
        catch (OperationCanceledException) when (cut.IsCancellationRequested)
        {
            return (null, new MissingShard(shard, "did not answer before the request's deadline"));
        }
    }

    private static async Task<(ShardWalletSummary? Summary, MissingShard? Missing)> CountAsync(string shard, SqlDatabase database, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            await using var command = connection.CreateCommand(CountSql);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return (new ShardWalletSummary(shard, reader.GetInt64(0), reader.GetInt64(1)), null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (null, new MissingShard(shard, "did not answer before the request's deadline"));
        }
        catch (System.Data.Common.DbException e)
        {
            // Npgsql reports a cancelled query as its own exception: the shard still did not answer in time. Any other
            // database error leaves this shard out too, named, while the others still answer.
            return (null, new MissingShard(shard, cancellationToken.IsCancellationRequested ? "did not answer before the request's deadline" : string.Create(CultureInfo.InvariantCulture, $"failed: {e.Message}")));
        }
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

/// <summary>A shard missing from a summary.</summary>
/// <param name="Shard">The shard.</param>
/// <param name="Reason">Why.</param>
internal sealed record MissingShard(string Shard, string Reason);
