using System.Globalization;
using Bulwark.AspNetCore.Idempotency;
using Bulwark.AspNetCore.Problems;
using Bulwark.EventSourcing;
using Bulwark.Sharding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Shop.Infrastructure.Admin;
using Shop.Infrastructure.Auth;
using Shop.Infrastructure.OpenApi;
using Shop.Infrastructure.Sharding;
using Shop.Wallet.Domain;
using Shop.Wallet.Sharding;

namespace Shop.Wallet.Api;

internal static class WalletEndpoints
{
    // The 409s a wallet change can answer besides the idempotency middleware's; listed in the OpenAPI document.
    private const string InsufficientFundsType = ProblemTypes.Base + "insufficient-funds";
    private const string ConcurrencyConflictType = ProblemTypes.Base + "concurrency-conflict";
    private const string WalletMovingType = ProblemTypes.Base + "wallet-moving";

    private const long MaxAmountCents = 100_000_000;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var wallets = endpoints.MapGroup("/api/wallets").WithTags("Wallet");
        // A wallet answers to the customer who opened it and to operators; to anyone else it does not exist (404).
        wallets.MapPost("/", OpenAsync).WithName("OpenWallet").RequireCustomer().RequireIdempotencyKey()
            .ProducesProblemType(StatusCodes.Status503ServiceUnavailable, WalletMovingType);
        wallets.MapPost("/{id}/deposits", (string id, Amount? body, ShopCaller caller, AggregateRepository<WalletAccount> repository, WalletIds ids, CancellationToken ct) =>
            ChangeAsync(id, body, caller, repository, ids, (w, a) => w.Deposit(a), ct)).WithName("Deposit").RequireCustomerOrOperator().RequireIdempotencyKey()
            .ProducesProblemType(StatusCodes.Status409Conflict, ConcurrencyConflictType).ProducesProblemType(StatusCodes.Status503ServiceUnavailable, WalletMovingType);
        wallets.MapPost("/{id}/withdrawals", (string id, Amount? body, ShopCaller caller, AggregateRepository<WalletAccount> repository, WalletIds ids, CancellationToken ct) =>
            ChangeAsync(id, body, caller, repository, ids, (w, a) => w.Withdraw(a), ct)).WithName("Withdraw").RequireCustomerOrOperator().RequireIdempotencyKey()
            .ProducesProblemType(StatusCodes.Status409Conflict, ConcurrencyConflictType).ProducesProblemType(StatusCodes.Status409Conflict, InsufficientFundsType)
            .ProducesProblemType(StatusCodes.Status503ServiceUnavailable, WalletMovingType);
        wallets.MapGet("/{id}", GetAsync).WithName("GetWallet").RequireCustomerOrOperator();
        wallets.MapDelete("/{id}/personal-data", ForgetOwnerAsync).WithName("ShredWalletOwner").RequireCustomerOrOperator();
        WalletCellTransfer.Map(endpoints);

        // Across every shard at once; a shard that does not answer before the request's deadline is named, not hidden.
        endpoints.MapGet("/api/admin/wallets/summary", (WalletFleet fleet, CancellationToken ct) => fleet.SummarizeAsync(ct))
            .WithName("WalletSummary").WithTags("Wallet").RequireShopAdmin();
    }

    private static ProblemHttpResult Fenced(ShardBucketFencedException e) => ShardMoveProblems.Moving(e, "Wallet moving", WalletMovingType);

    private static async Task<Results<Created<WalletReceipt>, ProblemHttpResult>> OpenAsync(OpenWallet? body, ShopCaller caller, AggregateRepository<WalletAccount> repository, WalletIds ids, CancellationToken cancellationToken)
    {
        if (body?.OwnerName is null || body.OwnerEmail is null)
        {
            return ProblemResults.BadRequest("Send {\"ownerName\":\"Ada Lovelace\",\"ownerEmail\":\"ada@example.com\"}.");
        }

        if (string.IsNullOrWhiteSpace(body.OwnerName) || body.OwnerName.Length > 200 || body.OwnerEmail.Length > 254 || !body.OwnerEmail.Contains('@', StringComparison.Ordinal))
        {
            return ProblemResults.Unprocessable("ownerName is 1 to 200 characters and ownerEmail an e-mail address.");
        }

        var wallet = repository.Create(ids.NewId(caller.CustomerId!.Value));
        wallet.Open(caller.CustomerId!.Value, body.OwnerName.Trim(), body.OwnerEmail.Trim(), "EUR");
        try
        {
            await repository.SaveAsync(wallet, cancellationToken);
        }
        catch (ShardBucketFencedException e)
        {
            return Fenced(e);
        }

        return TypedResults.Created($"/api/wallets/{wallet.Id}", Receipt(wallet));
    }

    private static async Task<Results<Ok<WalletReceipt>, ProblemHttpResult>> ChangeAsync(
        string id, Amount? body, ShopCaller caller, AggregateRepository<WalletAccount> repository, WalletIds ids, Action<WalletAccount, long> change, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return ProblemResults.BadRequest("Send {\"amountCents\":1000}.");
        }

        if (body.AmountCents is < 1 or > MaxAmountCents)
        {
            return ProblemResults.Unprocessable($"amountCents is 1 to {MaxAmountCents}.");
        }

        var wallet = ids.CanExist(id) ? await repository.LoadAsync(id, cancellationToken) : null;
        if (wallet is null || !caller.MaySee(wallet.CustomerId))
        {
            return ProblemResults.NotFound($"There is no wallet {id}.");
        }

        try
        {
            change(wallet, body.AmountCents);
            await repository.SaveAsync(wallet, cancellationToken);
        }
        catch (InsufficientFundsException e)
        {
            return TypedResults.Problem(
                detail: e.Message,
                statusCode: StatusCodes.Status409Conflict,
                title: "Insufficient funds",
                type: InsufficientFundsType,
                extensions: new Dictionary<string, object?> { ["balanceCents"] = e.BalanceCents, ["requestedCents"] = e.RequestedCents });
        }
        catch (ShardBucketFencedException e)
        {
            return Fenced(e);
        }
        catch (ConcurrencyConflictException e)
        {
            // Another request changed the wallet between our read and our append: nothing was written, retry.
            return TypedResults.Problem(
                detail: e.Message,
                statusCode: StatusCodes.Status409Conflict,
                title: "Concurrent change",
                type: ConcurrencyConflictType,
                extensions: new Dictionary<string, object?> { ["expectedVersion"] = e.ExpectedVersion, ["actualVersion"] = e.ActualVersion });
        }

        return TypedResults.Ok(Receipt(wallet));
    }

    private static async Task<Results<Ok<WalletView>, ProblemHttpResult>> GetAsync(string id, string? asOf, ShopCaller caller, AggregateRepository<WalletAccount> repository, WalletIds ids, CancellationToken cancellationToken)
    {
        // Owner fields (and the owning customer) come from the first event, never from a snapshot (snapshots hold no
        // personal data); ownership is decided before any point-in-time read.
        var owner = ids.CanExist(id) ? await repository.LoadAsOfVersionAsync(id, 1, cancellationToken) : null;
        if (owner is null || !caller.MaySee(owner.CustomerId))
        {
            return ProblemResults.NotFound($"There is no wallet {id}.");
        }

        WalletAccount? wallet;
        if (asOf is null)
        {
            wallet = await repository.LoadAsync(id, cancellationToken);
        }
        else if (DateTimeOffset.TryParse(asOf, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var pointInTime))
        {
            wallet = await repository.LoadAsOfAsync(id, pointInTime, cancellationToken);
        }
        else
        {
            return ProblemResults.BadRequest($"asOf is an ISO 8601 time such as 2026-11-25T10:00:00Z; got '{asOf}'.");
        }

        if (wallet is null)
        {
            return ProblemResults.NotFound(asOf is null ? $"There is no wallet {id}." : $"Wallet {id} did not exist at {asOf}.");
        }

        return TypedResults.Ok(View(wallet, owner));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ForgetOwnerAsync(string id, ShopCaller caller, AggregateRepository<WalletAccount> repository, WalletIds ids, ISubjectKeyStore keys, CancellationToken cancellationToken)
    {
        if (!ids.CanExist(id) || await repository.LoadAsOfVersionAsync(id, 1, cancellationToken) is not { } opened || !caller.MaySee(opened.CustomerId))
        {
            return ProblemResults.NotFound($"There is no wallet {id}.");
        }

        // Deleting the key is the whole erasure: every copy of the ciphertext (events, backups) becomes unreadable.
        await keys.DeleteKeyAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }

    // The idempotency middleware keeps an answer for a day to replay it, where crypto-shredding cannot reach:
    // answers of keyed endpoints therefore carry no personal data. The owner is read (and decrypted) by GET only.
    private static WalletReceipt Receipt(WalletAccount wallet) =>
        new(wallet.Id, wallet.BalanceCents, wallet.Currency, wallet.Version, $"/api/wallets/{wallet.Id}");

    private static WalletView View(WalletAccount wallet, WalletAccount owner) =>
        new(wallet.Id, owner.OwnerName ?? PersonalData.Shredded, owner.OwnerEmail ?? PersonalData.Shredded, PersonalData.IsShredded(owner.OwnerName), wallet.BalanceCents, wallet.Currency, wallet.Version);

    internal sealed record OpenWallet(string? OwnerName, string? OwnerEmail);

    internal sealed record Amount(long AmountCents);

    /// <summary>The answer of a POST: money and a link, no personal data (it is stored for replays).</summary>
    internal sealed record WalletReceipt(string Id, long BalanceCents, string Currency, long Version, string Href);

    internal sealed record WalletView(string Id, string OwnerName, string OwnerEmail, bool PersonalDataShredded, long BalanceCents, string Currency, long Version);
}
