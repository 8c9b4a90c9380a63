namespace Shop.Returns.Processing;

/// <summary>
/// The module's own command to its processor, sent to the <c>returns</c> queue. The photos are not in the body: the edge
/// streamed each one to the claim-check blob store, and the message carries their keys (a claim check by design, so a
/// 50 MB return is never a 67 MB base64 message nor a buffer in memory).
/// </summary>
internal sealed record ReturnRequested(Guid ReturnId, Guid OrderId, string Reason, IReadOnlyList<ReturnPhoto> Photos)
{
    public const string MessageType = "returns.return-requested";
}

/// <summary>A photo as uploaded: where it is stored, its size and the checksum computed while it streamed in.</summary>
internal sealed record ReturnPhoto(string FileName, string ContentType, string Sha256, long SizeBytes, string BlobKey);
