using System.Globalization;
using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Shop.Notifications.Contracts;
using Shop.Notifications.Data;

namespace Shop.Notifications.Api;

internal static class NotificationsEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/notifications", ListAsync).WithTags("Notifications").WithName("ListNotifications");

    private static async Task<Results<Ok<NotificationDto[]>, ProblemHttpResult>> ListAsync(string? userId, NotificationsDatabase db, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(userId, out var id))
        {
            return ProblemResults.BadRequest($"Pass ?userId=<uuid>; got '{userId}'.");
        }

        await using var connection = await db.Database.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT id, kind, recipient, subject, body, message_id, created_at FROM notifications_outbox WHERE user_id = $u ORDER BY id;";
        query.Parameters.AddWithValue("$u", id.ToString());
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
