using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Bulwark.AspNetCore.Problems;
using Bulwark.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Shop.Infrastructure.Messaging;
using Shop.Returns.Contracts;
using Shop.Returns.Data;
using Shop.Returns.Processing;

namespace Shop.Returns.Api;

internal static class ReturnsEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var returns = endpoints.MapGroup("/api/returns").WithTags("Returns");
        returns.MapPost("/", RequestAsync).WithName("RequestReturn").DisableAntiforgery();
        returns.MapGet("/{id}", GetAsync).WithName("GetReturn");
    }

    // Only the shape is checked here; whether the photos are images is the processor's call, so the edge stays fast.
    private static async Task<Results<Accepted<ReturnDto>, ProblemHttpResult>> RequestAsync(
        HttpRequest request, ReturnsDatabase db, IMessageBus bus, IOptions<ReturnsOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return ProblemResults.BadRequest("Send multipart/form-data with orderId, reason and one or more photos.");
        }

        var form = await request.ReadFormAsync(cancellationToken);
        if (!Guid.TryParse(form["orderId"], out var orderId))
        {
            return ProblemResults.Unprocessable($"orderId must be a UUID; got '{form["orderId"]}'.");
        }

        var reason = form["reason"].ToString();
        var files = form.Files.GetFiles("photos");
        if (files.Count == 0 || files.Count > options.Value.MaxPhotos)
        {
            return ProblemResults.Unprocessable($"Attach 1–{options.Value.MaxPhotos} photos as 'photos'.");
        }

        var photos = new List<ReturnPhoto>(files.Count);
        foreach (var file in files)
        {
            if (file.Length == 0 || file.Length > options.Value.MaxPhotoBytes)
            {
                return ProblemResults.Unprocessable($"Photo '{file.FileName}' must be 1 byte to {options.Value.MaxPhotoBytes} bytes.");
            }

            using var buffer = new MemoryStream((int)file.Length);
            await file.CopyToAsync(buffer, cancellationToken);
            var content = buffer.ToArray();
            photos.Add(new ReturnPhoto(Path.GetFileName(file.FileName), file.ContentType, Convert.ToHexStringLower(SHA256.HashData(content)), content));
        }

        var id = Guid.CreateVersion7(time.GetUtcNow());
        var now = time.GetUtcNow();
        await using (var connection = await db.Database.OpenAsync(cancellationToken))
        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken))
        {
            await transaction.ExecuteAsync(
                "INSERT INTO returns_requests (id, order_id, reason, status, photos, created_at) VALUES ($id, $o, $r, 'pending', '[]', $t);",
                cancellationToken, ("$id", id.ToString()), ("$o", orderId.ToString()), ("$r", reason), ("$t", now.ToString("O", CultureInfo.InvariantCulture)));
            await transaction.CommitAsync(cancellationToken);
        }

        // The return id is the message id: a retried send or a redrive is the same message to the processor's inbox.
        // The row is written first, so the processor never sees a return it cannot update. If the send fails the row
        // stays pending and the client gets a 5xx (no outbox here: multi-MB photos do not belong in the database).
        await bus.SendAsync(ReturnsModule.QueueName, new ReturnRequested(id, orderId, reason, photos), new MessageOptions
        {
            MessageId = id.ToString(),
            Headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["return-id"] = id.ToString(), ["order-id"] = orderId.ToString() },
        }, cancellationToken);

        return TypedResults.Accepted($"/api/returns/{id}", new ReturnDto(id, orderId, reason, "pending", null, [], null, null, now, null));
    }

    private static async Task<Results<Ok<ReturnDto>, ProblemHttpResult>> GetAsync(string id, ReturnsDatabase db, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var returnId))
        {
            return ProblemResults.BadRequest($"A return id is a UUID; got '{id}'.");
        }

        await using var connection = await db.Database.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT order_id, reason, status, error, photos, message_body_bytes, claim_checked, created_at, processed_at FROM returns_requests WHERE id = $id;";
        query.Parameters.AddWithValue("$id", returnId.ToString());
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return ProblemResults.NotFound($"There is no return {returnId}.");
        }

        return TypedResults.Ok(new ReturnDto(
            returnId,
            Guid.Parse(reader.GetString(0), CultureInfo.InvariantCulture),
            reader.GetString(1),
            reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            JsonSerializer.Deserialize<ReturnPhotoDto[]>(reader.GetString(4), JsonSerializerOptions.Web) ?? [],
            reader.IsDBNull(5) ? null : reader.GetInt64(5),
            reader.IsDBNull(6) ? null : reader.GetInt64(6) == 1,
            DateTimeOffset.Parse(reader.GetString(7), CultureInfo.InvariantCulture),
            reader.IsDBNull(8) ? null : DateTimeOffset.Parse(reader.GetString(8), CultureInfo.InvariantCulture)));
    }
}
