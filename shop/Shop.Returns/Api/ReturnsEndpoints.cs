using System.Globalization;
using System.Text;
using System.Text.Json;
using Bulwark.AspNetCore.Problems;
using Bulwark.Messaging;
using Bulwark.Messaging.ClaimCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Bulwark.Data;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Shop.Infrastructure.Auth;
using Shop.Orders.Contracts;
using Shop.Returns.Contracts;
using Shop.Returns.Processing;
using Shop.Infrastructure.Data;

namespace Shop.Returns.Api;

internal static class ReturnsEndpoints
{
    // RFC 2046 allows at most 70 characters; a little slack for quoting.
    private const int MaxBoundaryLength = 100;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var returns = endpoints.MapGroup("/api/returns").WithTags("Returns");
        // A customer returns their own orders; a return answers to that customer and to operators.
        returns.MapPost("/", RequestAsync).WithName("RequestReturn").DisableAntiforgery().RequireCustomer()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        returns.MapGet("/{id}", GetAsync).WithName("GetReturn").RequireCustomerOrOperator();
    }

    // The shape and the limits are checked here, as the body streams in; whether the photos are images is the
    // processor's call, so the edge stays fast. Fields come before files (as browsers and HttpClient send them), so the
    // order is checked before a byte of a photo is stored.
    private static async Task<Results<Accepted<ReturnDto>, ProblemHttpResult>> RequestAsync(
        HttpRequest request, [AsParameters] ReturnServices services, CancellationToken cancellationToken)
    {
        var options = services.Options.CurrentValue;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !string.Equals(mediaType.MediaType.Value, "multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 and <= MaxBoundaryLength } boundary)
        {
            return ProblemResults.BadRequest("Send multipart/form-data with orderId, reason and one or more photos.");
        }

        // The server-wide body limit is 1 MiB (Bulwark:Limits); this endpoint takes every photo at its largest.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = options.MaxRequestBytes;
        }

        var now = services.Time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var keys = new List<string>();
        var accepted = false;
        try
        {
            var upload = await ReadUploadAsync(request, boundary, id, options, services, keys, cancellationToken);
            if (upload.Problem is { } problem)
            {
                return problem;
            }

            await services.Db.ExecuteAsync(
                "INSERT INTO returns_requests (id, order_id, reason, status, photos, created_at) VALUES (@id, @o, @r, 'pending', '[]', @t);",
                cancellationToken, ("id", id.ToString()), ("o", upload.OrderId.ToString()), ("r", upload.Reason), ("t", now.ToString("O", CultureInfo.InvariantCulture)));

            // The return id is the message id: a retried send or a redrive is the same message to the processor's inbox.
            // The row is written first, so the processor never sees a return it cannot update.
            await services.Bus.SendAsync(ReturnsModule.QueueName, new ReturnRequested(id, upload.OrderId, upload.Reason, upload.Photos), new MessageOptions
            {
                MessageId = id.ToString(),
                Headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["return-id"] = id.ToString(), ["order-id"] = upload.OrderId.ToString() },
            }, cancellationToken);
            accepted = true;
            return TypedResults.Accepted($"/api/returns/{id}", new ReturnDto(id, upload.OrderId, upload.Reason, "pending", null, [], null, null, now, null));
        }
        catch (PhotoTooLargeException e)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Photo too large", "photos", $"Each photo is at most {e.MaxBytes} bytes.");
        }
        catch (InvalidDataException e)
        {
            // Malformed multipart framing (or its header limits): the client's fault, never a 500.
            return ProblemResults.BadRequest($"The multipart body could not be read: {e.Message}");
        }
        finally
        {
            if (!accepted)
            {
                // Every way out but a 202 (a 4xx, a cancelled or timed-out upload, a failed send) leaves no photo behind;
                // CancellationToken.None because the request's token may be the reason we are here.
                await DeleteAsync(services, id, keys);
            }
        }
    }

    private static async Task<Upload> ReadUploadAsync(
        HttpRequest request, string boundary, Guid id, ReturnsOptions options, ReturnServices services, List<string> keys, CancellationToken cancellationToken)
    {
        var reader = new MultipartReader(boundary, request.Body) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 };
        Guid? orderId = null;
        string? reason = null;
        var photos = new List<ReturnPhoto>();
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                return Upload.Refuse(ProblemResults.BadRequest("Every part needs a Content-Disposition with a name."));
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
            if (!disposition.IsFileDisposition())
            {
                // Fields are small: read one only up to what its longest valid value can take in UTF-8.
                var value = await ReadFieldAsync(section.Body, (options.MaxReasonLength * 4) + 1, cancellationToken);
                switch (name)
                {
                    case "orderId":
                        if (!Guid.TryParse(value, out var parsed))
                        {
                            return Upload.Refuse(Problem(StatusCodes.Status422UnprocessableEntity, "Invalid return", "orderId", "orderId must be an order's UUID."));
                        }

                        // The lead's ownership rule goes here too: another customer's order must read exactly like a missing one.
                        // Another customer's order is as absent as one that does not exist.
                        if (await services.Orders.FindAsync(parsed, cancellationToken) is not { } order || !services.Caller.MaySee(order.CustomerId))
                        {
                            return Upload.Refuse(Problem(StatusCodes.Status422UnprocessableEntity, "Invalid return", "orderId", $"There is no order {parsed}."));
                        }

                        orderId = parsed;
                        break;
                    case "reason":
                        if (value is null || value.Length > options.MaxReasonLength || string.IsNullOrWhiteSpace(value))
                        {
                            return Upload.Refuse(Problem(StatusCodes.Status422UnprocessableEntity, "Invalid return", "reason", $"reason is 1 to {options.MaxReasonLength} characters."));
                        }

                        reason = value;
                        break;
                }

                continue;
            }

            if (name != "photos")
            {
                return Upload.Refuse(Problem(StatusCodes.Status422UnprocessableEntity, "Invalid return", name ?? "file", "Attach photos as 'photos'; no other files are accepted."));
            }

            if (orderId is null || reason is null)
            {
                return Upload.Refuse(Problem(StatusCodes.Status422UnprocessableEntity, "Invalid return", orderId is null ? "orderId" : "reason",
                    "Send orderId and reason before the photos."));
            }

            if (photos.Count == options.MaxPhotos)
            {
                return Upload.Refuse(Problem(StatusCodes.Status422UnprocessableEntity, "Too many photos", "photos", $"Attach 1 to {options.MaxPhotos} photos."));
            }

            var key = $"{services.ClaimCheck.Value.KeyPrefix}returns/{id:N}/{photos.Count}";
            keys.Add(key);
            using var photo = new PhotoUploadStream(section.Body, options.MaxPhotoBytes);
            await services.Blobs.PutAsync(key, photo, cancellationToken);
            if (photo.BytesRead == 0)
            {
                return Upload.Refuse(Problem(StatusCodes.Status422UnprocessableEntity, "Invalid return", "photos", "A photo is empty."));
            }

            var fileName = Path.GetFileName(HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? $"photo-{photos.Count}");
            photos.Add(new ReturnPhoto(fileName, section.ContentType ?? "application/octet-stream", photo.Sha256(), photo.BytesRead, key));
        }

        if (orderId is null)
        {
            return Upload.Refuse(Problem(StatusCodes.Status422UnprocessableEntity, "Invalid return", "orderId", "orderId is required."));
        }

        if (reason is null)
        {
            return Upload.Refuse(Problem(StatusCodes.Status422UnprocessableEntity, "Invalid return", "reason", "reason is required."));
        }

        return photos.Count == 0
            ? Upload.Refuse(Problem(StatusCodes.Status422UnprocessableEntity, "Invalid return", "photos", $"Attach 1 to {options.MaxPhotos} photos."))
            : new Upload(null, orderId.Value, reason, photos);
    }

    /// <summary>Reads a text field as UTF-8; <see langword="null"/> when it is longer than <paramref name="maxBytes"/>.</summary>
    private static async Task<string?> ReadFieldAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[maxBytes + 1];
        var total = 0;
        int read;
        while (total <= maxBytes && (read = await body.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }

        if (total > maxBytes)
        {
            // Drained without keeping it, so the next part can be read.
            await body.CopyToAsync(Stream.Null, cancellationToken);
            return null;
        }

        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    private static async Task DeleteAsync(ReturnServices services, Guid id, List<string> keys)
    {
        foreach (var key in keys)
        {
            await services.Blobs.DeleteAsync(key, CancellationToken.None);
        }

        // A row exists only when the send failed after the insert; the client got a 5xx and will send a new return.
        await services.Db.ExecuteAsync("DELETE FROM returns_requests WHERE id = @id AND status = 'pending';", CancellationToken.None, ("id", id.ToString()));
    }

    private static ProblemHttpResult Problem(int status, string title, string field, string message) =>
        ProblemResults.Create(status, title, message, new Dictionary<string, object?>
        {
            ["errors"] = new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] },
        });

    private static async Task<Results<Ok<ReturnDto>, ProblemHttpResult>> GetAsync(string id, ShopCaller caller, IOrdersApi orders, ModuleDatabase<ReturnsModule> db, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var returnId))
        {
            return ProblemResults.BadRequest($"A return id is a UUID; got '{id}'.");
        }

        await using var connection = await db.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT order_id, reason, status, error, photos, message_body_bytes, claim_checked, created_at, processed_at FROM returns_requests WHERE id = @id;";
        query.With("id", returnId.ToString());
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)
            || !caller.MaySee((await orders.FindAsync(Guid.Parse(reader.GetString(0), CultureInfo.InvariantCulture), cancellationToken))?.CustomerId))
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

    /// <summary>What the edge read from the upload: a problem to answer, or the return to accept.</summary>
    private sealed record Upload(ProblemHttpResult? Problem, Guid OrderId, string Reason, IReadOnlyList<ReturnPhoto> Photos)
    {
        public static Upload Refuse(ProblemHttpResult problem) => new(problem, default, "", []);
    }
}

/// <summary>The dependencies of <c>POST /api/returns</c>.</summary>
internal sealed record ReturnServices(
    ModuleDatabase<ReturnsModule> Db,
    IMessageBus Bus,
    IBlobStore Blobs,
    IOptions<ClaimCheckOptions> ClaimCheck,
    IOrdersApi Orders,
    ShopCaller Caller,
    IOptionsMonitor<ReturnsOptions> Options,
    TimeProvider Time);
