using Bulwark.Data;
using System.Globalization;
using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Shop.Infrastructure.Api;
using Shop.Infrastructure.Auth;
using Shop.Rewards.Contracts;
using Shop.Infrastructure.Data;

namespace Shop.Rewards.Api;

internal static class RewardsEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/rewards/{userId}", GetAsync).WithTags("Rewards").WithName("GetRewards").RequireCustomerOrOperator();
        endpoints.MapGet("/api/rewards/{userId}/orders", OrdersAsync).WithTags("Rewards").WithName("GetRewardOrders").RequireCustomerOrOperator();
    }

    // Each order's points (pending, earned, void), by order id; the owner or an operator, anyone else a 404.
    private static async Task<Results<Ok<RewardOrderDto[]>, ProblemHttpResult>> OrdersAsync(
        string userId, int? page, int? pageSize, ShopCaller caller, ModuleDatabase<RewardsModule> db, CancellationToken cancellationToken)
    {
        var admitted = Admit(userId, page, pageSize, caller);
        if (admitted is not ({ } id, { } window, null))
        {
            return admitted.Problem!;
        }

        await using var connection = await db.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand(
            "SELECT order_id, status, points, updated_at FROM rewards_orders WHERE user_id = @u ORDER BY order_id LIMIT @limit OFFSET @offset;")
            .With("u", id.ToString()).With("limit", window.Size).With("offset", window.Offset);
        var orders = await query.ReadAllAsync(
            r => new RewardOrderDto(Guid.Parse(r.GetString(0)), r.GetString(1), r.GetInt64(2), DateTimeOffset.Parse(r.GetString(3), CultureInfo.InvariantCulture)),
            cancellationToken);
        return TypedResults.Ok(orders.ToArray());
    }

    // The balance counts every credit; the list of credits is paged (newest last, like the ledger).
    private static async Task<Results<Ok<RewardsDto>, ProblemHttpResult>> GetAsync(
        string userId, int? page, int? pageSize, ShopCaller caller, ModuleDatabase<RewardsModule> db, CancellationToken cancellationToken)
    {
        var admitted = Admit(userId, page, pageSize, caller);
        if (admitted is not ({ } id, { } window, null))
        {
            return admitted.Problem!;
        }

        await using var connection = await db.OpenAsync(cancellationToken);
        await using var total = connection.CreateCommand("SELECT COALESCE(SUM(points), 0) FROM rewards_ledger WHERE user_id = @u;")
            .With("u", id.ToString());
        var balance = Convert.ToInt64(await total.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);

        await using var query = connection.CreateCommand(
            "SELECT reason, points, message_id, credited_at FROM rewards_ledger WHERE user_id = @u ORDER BY id LIMIT @limit OFFSET @offset;")
            .With("u", id.ToString()).With("limit", window.Size).With("offset", window.Offset);
        var credits = await query.ReadAllAsync(
            r => new RewardCreditDto(r.GetString(0), r.GetInt64(1), r.GetString(2), DateTimeOffset.Parse(r.GetString(3), CultureInfo.InvariantCulture)),
            cancellationToken);
        return TypedResults.Ok(new RewardsDto(id, balance, credits));
    }

    // Both reads: a valid page, a user id that is a UUID, and a caller who may see that user (the owner or an operator;
    // anyone else a 404, so a stranger cannot tell an existing user from a missing one).
    private static (Guid? Id, Page? Window, ProblemHttpResult? Problem) Admit(string userId, int? page, int? pageSize, ShopCaller caller)
    {
        var (window, problem) = Page.From(page, pageSize);
        if (problem is not null)
        {
            return (null, null, problem);
        }

        if (!Guid.TryParse(userId, out var id))
        {
            return (null, null, ProblemResults.BadRequest($"A user id is a UUID; got '{userId}'."));
        }

        return caller.MaySee(id) ? (id, window, null) : (null, null, ProblemResults.NotFound($"There are no rewards for user {id}."));
    }
}
