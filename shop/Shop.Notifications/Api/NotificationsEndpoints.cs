using Bulwark.Data;
using System.Globalization;
using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Shop.Infrastructure.Api;
using Shop.Infrastructure.Auth;
using Shop.Notifications.Contracts;
using Shop.Infrastructure.Data;

namespace Shop.Notifications.Api;

internal static class NotificationsEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/notifications", ListAsync).WithTags("Notifications").WithName("ListNotifications").RequireCustomerOrOperator().ProducesProblem(StatusCodes.Status404NotFound);

    // A customer reads their own mail (userId, if given, must be their own); an operator names the user.
    private static async Task<Results<Ok<NotificationDto[]>, ProblemHttpResult>> ListAsync(
        string? userId, int? page, int? pageSize, ShopCaller caller, ModuleDatabase<NotificationsModule> db, CancellationToken cancellationToken)
    {
        var (window, problem) = Page.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        Guid id;
        if (userId is null && caller.CustomerId is { } me)
        {
            id = me;
        }
        else if (!Guid.TryParse(userId, out id))
        {
            return ProblemResults.BadRequest($"Pass ?userId=<uuid>; got '{userId}'.");
        }

        if (!caller.MaySee(id))
        {
            return ProblemResults.NotFound($"There is no mail for user {id}.");
        }

        await using var connection = await db.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand(
            "SELECT id, kind, recipient, subject, body, message_id, created_at FROM notifications_outbox WHERE user_id = @u ORDER BY id LIMIT @limit OFFSET @offset;")
            .With("u", id.ToString()).With("limit", window.Size).With("offset", window.Offset);
        var list = await query.ReadAllAsync(
            r => new NotificationDto(r.GetInt64(0), id, r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                r.GetString(3), r.GetString(4), r.GetString(5), DateTimeOffset.Parse(r.GetString(6), CultureInfo.InvariantCulture)),
            cancellationToken);
        return TypedResults.Ok(list.ToArray());
    }
}
