namespace Shop.Returns.Processing;

/// <summary>
/// The module's own command to its processor, sent to the <c>returns</c> queue. The photos ride in the body; the bus
/// moves a body over the claim-check threshold to the blob store, so the queue only carries a reference.
/// </summary>
internal sealed record ReturnRequested(Guid ReturnId, Guid OrderId, string Reason, IReadOnlyList<ReturnPhoto> Photos)
{
    public const string MessageType = "returns.return-requested";
}

/// <summary>A photo as uploaded, with the checksum computed at the edge.</summary>
internal sealed record ReturnPhoto(string FileName, string ContentType, string Sha256, byte[] Content);
