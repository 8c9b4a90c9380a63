using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Bulwark.Idempotency;
using Bulwark.Messaging;
using Bulwark.Messaging.ClaimCheck;
using Bulwark.Messaging.Subscriptions;
using Microsoft.Extensions.Options;
using Shop.Infrastructure.Messaging;
using Shop.Returns.Contracts;
using Shop.Infrastructure.Data;

namespace Shop.Returns.Processing;

/// <summary>
/// Verifies a return (reason, photo formats by magic bytes, photo checksums) and records it. A return that fails
/// verification is a poison pill: it is marked rejected and its message goes to the DLQ (permanent error), while the
/// queue keeps flowing; after a fix, redriving it completes it once (the inbox keys on the return id).
/// </summary>
internal sealed class ReturnRequestedHandler(ModuleDatabase<ReturnsModule> db, IInbox inbox, IBlobStore blobs, IOptionsMonitor<ReturnsOptions> options, TimeProvider time)
    : IMessageHandler<ReturnRequested>
{
    public async Task HandleAsync(ReturnRequested message, MessageContext context, CancellationToken cancellationToken)
    {
        List<ReturnPhotoDto> photos;
        try
        {
            photos = await VerifyAsync(message, options.CurrentValue, cancellationToken);
        }
        catch (ReturnRejectedException e)
        {
            await db.ExecuteAsync("UPDATE returns_requests SET status = 'rejected', error = @e WHERE id = @id AND status <> 'completed';",
                cancellationToken, ("e", e.Problem), ("id", message.ReturnId.ToString()));
            throw;
        }

        // The photos always travel by claim check now (the edge streamed them to the blob store); the body may too.
        var claimChecked = message.Photos.Count > 0 || context.Envelope.Headers.ContainsKey(MessageHeaders.ClaimCheckKey);
        await db.HandleOnceAsync(inbox, ReturnsModule.QueueName, context, tx => tx.ExecuteAsync(
            """
            UPDATE returns_requests SET status = 'completed', error = NULL, photos = @p, message_body_bytes = @b, claim_checked = @c, processed_at = @t
            WHERE id = @id;
            """,
            cancellationToken,
            ("p", JsonSerializer.Serialize(photos, JsonSerializerOptions.Web)),
            ("b", context.Envelope.Body.Length),
            ("c", claimChecked ? 1 : 0),
            ("t", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)),
            ("id", message.ReturnId.ToString())), cancellationToken);
    }

    private async Task<List<ReturnPhotoDto>> VerifyAsync(ReturnRequested message, ReturnsOptions options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(message.Reason) || message.Reason.Length > options.MaxReasonLength || message.Reason.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            throw new ReturnRejectedException(message.ReturnId, $"the reason must be 1–{options.MaxReasonLength} printable characters.");
        }

        if (message.Photos.Count == 0)
        {
            throw new ReturnRejectedException(message.ReturnId, "a return needs at least one photo.");
        }

        var accepted = options.AcceptedImageFormats.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var result = new List<ReturnPhotoDto>(message.Photos.Count);
        foreach (var photo in message.Photos)
        {
            // Streamed from the blob store: the format from the first bytes, the checksum over all of them.
            var stream = await blobs.OpenReadAsync(photo.BlobKey, cancellationToken)
                ?? throw new ReturnRejectedException(message.ReturnId, $"photo '{photo.FileName}' is no longer stored (kept for the claim-check TTL).");
            string? format;
            string sha256;
            long size;
            await using (stream)
            {
                (format, sha256, size) = await ReadPhotoAsync(stream, cancellationToken);
            }

            if (format is null || !accepted.Contains(format, StringComparer.OrdinalIgnoreCase))
            {
                throw new ReturnRejectedException(message.ReturnId, $"photo '{photo.FileName}' is not an accepted image ({format ?? "unknown format"}; accepted: {string.Join(", ", accepted)}).");
            }

            if (!string.Equals(sha256, photo.Sha256, StringComparison.OrdinalIgnoreCase) || size != photo.SizeBytes)
            {
                throw new ReturnRejectedException(message.ReturnId, $"photo '{photo.FileName}' does not match its upload checksum.");
            }

            result.Add(new ReturnPhotoDto(photo.FileName, format, size, sha256));
        }

        return result;
    }

    private static async Task<(string? Format, string Sha256, long Size)> ReadPhotoAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        var head = new byte[32];
        var headLength = 0;
        long size = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (headLength < head.Length)
            {
                var take = Math.Min(read, head.Length - headLength);
                buffer.AsSpan(0, take).CopyTo(head.AsSpan(headLength));
                headLength += take;
            }

            hash.AppendData(buffer, 0, read);
            size += read;
        }

        return (ImageFormats.Detect(head.AsSpan(0, headLength)), Convert.ToHexStringLower(hash.GetHashAndReset()), size);
    }
}
