using System.Globalization;
using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Shop.Rewards.Contracts;
using Shop.Rewards.Data;

namespace Shop.Rewards.Api;

internal static class RewardsEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/rewards/{userId}", GetAsync).WithTags("Rewards").WithName("GetRewards");

    private static async Task<Results<Ok<RewardsDto>, ProblemHttpResult>> GetAsync(string userId, RewardsDatabase db, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(userId, out var id))
        {
            return ProblemResults.BadRequest($"A user id is a UUID; got '{userId}'.");
        }

        await using var connection = await db.Database.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT reason, points, message_id, credited_at FROM rewards_ledger WHERE user_id = $u ORDER BY id;";
        query.Parameters.AddWithValue("$u", id.ToString());
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        var credits = new List<RewardCreditDto>();
        while (await reader.ReadAsync(cancellationToken))
        {
            credits.Add(new RewardCreditDto(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture)));
        }

        return TypedResults.Ok(new RewardsDto(id, credits.Sum(c => c.Points), credits));
    }
}
