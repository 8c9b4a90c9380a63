namespace Shop.Returns.Contracts;

/// <summary>
/// A return request and how far its processing got. <c>Status</c> is <c>pending</c> (accepted, not processed yet),
/// <c>completed</c> or <c>rejected</c> (its message is in the DLQ; <c>Error</c> says why). <c>MessageBodyBytes</c> is
/// the size of the message body on the transport: tiny when the photos went by claim check (<c>ClaimChecked</c>).
/// </summary>
public sealed record ReturnDto(
    Guid Id,
    Guid OrderId,
    string Reason,
    string Status,
    string? Error,
    IReadOnlyList<ReturnPhotoDto> Photos,
    long? MessageBodyBytes,
    bool? ClaimChecked,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ProcessedAt);

/// <summary>One photo of a return as verified by the processor; <c>Sha256</c> (hex) was computed on upload and checked on processing.</summary>
public sealed record ReturnPhotoDto(string FileName, string Format, long SizeBytes, string Sha256);
