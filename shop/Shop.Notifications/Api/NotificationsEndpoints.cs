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
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT id, kind, recipient, subject, body, message_id, created_at FROM notifications_outbox WHERE user_id = @u ORDER BY id LIMIT @limit OFFSET @offset;";
        query.With("u", id.ToString());
        query.With("limit", window.Size);
        query.With("offset", window.Offset);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        var list = new List<NotificationDto>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new NotificationDto(reader.GetInt64(0), id, reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3), reader.GetString(4), reader.GetString(5), DateTimeOffset.Parse(reader.GetString(6), CultureInfo.InvariantCulture)));
        }

        return TypedResults.Ok(list.ToArray());
    }
}
