using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Bulwark.Idempotency;
using Bulwark.Messaging;
using Bulwark.Messaging.Subscriptions;
using Microsoft.Extensions.Options;
using Shop.Infrastructure.Messaging;
using Shop.Returns.Contracts;
using Shop.Returns.Data;

namespace Shop.Returns.Processing;

/// <summary>
/// Verifies a return (reason, photo formats by magic bytes, photo checksums) and records it. A return that fails
/// verification is a poison pill: it is marked rejected and its message goes to the DLQ (permanent error), while the
/// queue keeps flowing; after a fix, redriving it completes it once (the inbox keys on the return id).
/// </summary>
internal sealed class ReturnRequestedHandler(ReturnsDatabase db, IInbox inbox, IOptionsMonitor<ReturnsOptions> options, TimeProvider time)
    : IMessageHandler<ReturnRequested>
{
    public const int MaxReasonLength = 1000;

    public async Task HandleAsync(ReturnRequested message, MessageContext context, CancellationToken cancellationToken)
    {
        List<ReturnPhotoDto> photos;
        try
        {
            photos = Verify(message, options.CurrentValue);
        }
        catch (ReturnRejectedException e)
        {
            await using var connection = await db.Database.OpenAsync(cancellationToken);
            await using var transaction = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await transaction.ExecuteAsync("UPDATE returns_requests SET status = 'rejected', error = $e WHERE id = $id AND status <> 'completed';",
                cancellationToken, ("$e", e.Problem), ("$id", message.ReturnId.ToString()));
            await transaction.CommitAsync(cancellationToken);
            throw;
        }

        var claimChecked = context.Envelope.Headers.ContainsKey(MessageHeaders.ClaimCheckKey);
        await db.Database.HandleOnceAsync(inbox, ReturnsModule.QueueName, context, (_, tx) => tx.ExecuteAsync(
            """
            UPDATE returns_requests SET status = 'completed', error = NULL, photos = $p, message_body_bytes = $b, claim_checked = $c, processed_at = $t
            WHERE id = $id;
            """,
            cancellationToken,
            ("$p", JsonSerializer.Serialize(photos, JsonSerializerOptions.Web)),
            ("$b", context.Envelope.Body.Length),
            ("$c", claimChecked ? 1 : 0),
            ("$t", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)),
            ("$id", message.ReturnId.ToString())), cancellationToken);
    }

    private static List<ReturnPhotoDto> Verify(ReturnRequested message, ReturnsOptions options)
    {
        if (string.IsNullOrWhiteSpace(message.Reason) || message.Reason.Length > MaxReasonLength || message.Reason.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            throw new ReturnRejectedException(message.ReturnId, $"the reason must be 1–{MaxReasonLength} printable characters.");
        }

        if (message.Photos.Count == 0)
        {
            throw new ReturnRejectedException(message.ReturnId, "a return needs at least one photo.");
        }

        var accepted = options.AcceptedImageFormats.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var result = new List<ReturnPhotoDto>(message.Photos.Count);
        foreach (var photo in message.Photos)
        {
            var format = ImageFormats.Detect(photo.Content);
            if (format is null || !accepted.Contains(format, StringComparer.OrdinalIgnoreCase))
            {
                throw new ReturnRejectedException(message.ReturnId, $"photo '{photo.FileName}' is not an accepted image ({format ?? "unknown format"}; accepted: {string.Join(", ", accepted)}).");
            }

            var sha256 = Convert.ToHexStringLower(SHA256.HashData(photo.Content));
            if (!string.Equals(sha256, photo.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new ReturnRejectedException(message.ReturnId, $"photo '{photo.FileName}' does not match its upload checksum.");
            }

            result.Add(new ReturnPhotoDto(photo.FileName, format, photo.Content.LongLength, sha256));
        }

        return result;
    }
}
