using System.Text.Json;
using System.Text.Json.Nodes;
using Bulwark.AspNetCore.Problems;
using Bulwark.EventSourcing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Shop.Infrastructure.Admin;
using Shop.Wallet.Domain;
using Shop.Wallet.Sharding;

namespace Shop.Wallet.Api;

/// <summary>
/// One customer's wallets out of this cell and into another (docs/cells.md, the edge's move): every event of every
/// wallet the customer opened, with its original event id, so the copy is the same history. Personal fields travel in
/// clear text inside the operators' call and are encrypted again under the new cell's own key for the wallet; a
/// shredded wallet travels as its ciphertext and is remembered as forgotten in the new cell too. An import appends only
/// what the new cell lacks (a customer moved back finds their older copy there), and refuses a history that diverged.
/// </summary>
internal static class WalletCellTransfer
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var cells = endpoints.MapGroup("/api/admin/cells/customers/{customerId:guid}/wallets").WithTags("Cells");
        cells.MapGet("/", ExportAsync).WithName("ExportCustomerWallets").RequireShopAdmin();
        cells.MapPost("/", ImportAsync).WithName("ImportCustomerWallets").RequireShopAdmin().ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Ok<WalletExport>> ExportAsync(
        Guid customerId, IEventStore events, EventSerializer serializer, AggregateRepository<WalletAccount> repository, ISubjectKeyStore keys, WalletFleet fleet, CancellationToken cancellationToken)
    {
        var wallets = new List<ExportedWallet>();
        foreach (var walletId in await fleet.WalletsOfAsync(customerId, cancellationToken))
        {
            var shredded = await keys.GetKeyAsync(walletId, cancellationToken) is null;
            var stream = await events.ReadStreamAsync(repository.StreamId(walletId), 1, null, cancellationToken);
            var exported = new List<ExportedEvent>(stream.Count);
            foreach (var recorded in stream)
            {
                // Decrypted with this cell's key so the new cell can encrypt with its own; a shredded one stays ciphertext.
                var body = shredded
                    ? JsonNode.Parse(recorded.Data.Span)!
                    : JsonSerializer.SerializeToNode(await serializer.DeserializeAsync(recorded, cancellationToken), serializer.JsonOptions)!;
                exported.Add(new ExportedEvent(recorded.EventId, recorded.EventType, recorded.Version, body));
            }

            wallets.Add(new ExportedWallet(walletId, shredded, exported));
        }

        return TypedResults.Ok(new WalletExport(customerId, wallets));
    }

    private static async Task<Results<Ok<WalletImportReport>, ProblemHttpResult>> ImportAsync(
        Guid customerId, WalletExport? body, IEventStore events, EventSerializer serializer, EventTypeRegistry registry, AggregateRepository<WalletAccount> repository,
        ISubjectKeyStore keys, CancellationToken cancellationToken)
    {
        if (body?.Wallets is null || body.CustomerId != customerId)
        {
            return ProblemResults.BadRequest("Send the export of this customer's wallets (GET on this path in the old cell).");
        }

        long appended = 0, present = 0;
        foreach (var wallet in body.Wallets)
        {
            if (wallet.Shredded)
            {
                // Forgotten there, forgotten here: no key is ever made for this wallet in the new cell.
                await keys.DeleteKeyAsync(wallet.WalletId, cancellationToken);
            }

            var history = wallet.Events.Select(exported => new StreamCopyEvent(exported.EventId, async token =>
            {
                if (wallet.Shredded)
                {
                    return new EventData(exported.EventId, exported.EventType, JsonSerializer.SerializeToUtf8Bytes(exported.Data));
                }

                // Encrypted again under this cell's key; the same event id as in the old cell: the copy is that history.
                var (type, upcast) = registry.Upcast(exported.EventType, exported.Data.AsObject());
                return await serializer.SerializeAsync(upcast.Deserialize(type, serializer.JsonOptions)!, token);
            })).ToList();
            try
            {
                var copied = await events.AppendMissingAsync(repository.StreamId(wallet.WalletId), history, cancellationToken);
                appended += copied.Appended;
                present += copied.AlreadyPresent;
            }
            catch (StreamHistoryConflictException e)
            {
                return ProblemResults.Conflict($"Wallet {wallet.WalletId}: {e.Message}");
            }
        }

        return TypedResults.Ok(new WalletImportReport(body.Wallets.Count, appended, present));
    }

    internal sealed record WalletExport(Guid CustomerId, IReadOnlyList<ExportedWallet> Wallets);

    internal sealed record ExportedWallet(string WalletId, bool Shredded, IReadOnlyList<ExportedEvent> Events);

    internal sealed record ExportedEvent(Guid EventId, string EventType, long Version, JsonNode Data);

    internal sealed record WalletImportReport(int Wallets, long EventsAppended, long EventsAlreadyPresent);
}
