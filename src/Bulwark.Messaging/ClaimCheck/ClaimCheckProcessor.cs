using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Bulwark.Messaging.ClaimCheck;

/// <summary>Parks big bodies in the blob store on the way out and fetches and verifies them on the way in.</summary>
internal sealed class ClaimCheckProcessor(IOptions<ClaimCheckOptions> options, IBlobStore? store = null)
{
    public bool Enabled => store is not null;

    public async Task<MessageEnvelope> CheckInAsync(MessageEnvelope envelope, CancellationToken cancellationToken)
    {
        if (store is null || envelope.Body.Length <= options.Value.ThresholdBytes || envelope.Headers.ContainsKey(MessageHeaders.ClaimCheckKey))
        {
            return envelope;
        }

        // The blob goes first: a message must never reference a blob that does not exist yet.
        var key = options.Value.KeyPrefix + Guid.NewGuid().ToString("N");
        await store.PutAsync(key, envelope.Body, cancellationToken).ConfigureAwait(false);
        return envelope
            .WithHeader(MessageHeaders.ClaimCheckKey, key)
            .WithHeader(MessageHeaders.ClaimCheckSha256, Convert.ToHexStringLower(SHA256.HashData(envelope.Body.Span)))
            .WithHeader(MessageHeaders.ClaimCheckLength, envelope.Body.Length.ToString(CultureInfo.InvariantCulture))
            with { Body = ReadOnlyMemory<byte>.Empty };
    }

    public async Task<ReadOnlyMemory<byte>> CheckOutAsync(MessageEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!envelope.Headers.TryGetValue(MessageHeaders.ClaimCheckKey, out var key))
        {
            return envelope.Body;
        }

        if (store is null)
        {
            throw new ClaimCheckIntegrityException(envelope.MessageId, key, "the message travelled by claim check but no blob store is configured (call UseClaimCheck)");
        }

        var blob = await store.GetAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new ClaimCheckIntegrityException(envelope.MessageId, key, "the blob does not exist (expired by TTL or never stored)");
        envelope.Headers.TryGetValue(MessageHeaders.ClaimCheckSha256, out var expected);
        var actual = Convert.ToHexStringLower(SHA256.HashData(blob));
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            throw new ClaimCheckIntegrityException(envelope.MessageId, key, $"SHA-256 mismatch (expected {expected}, got {actual}, {blob.Length} bytes): the blob is corrupted or was replaced");
        }

        return blob;
    }
}
