namespace Bulwark.Messaging;

/// <summary>Names of the headers Bulwark itself reads and writes.</summary>
public static class MessageHeaders
{
    /// <summary>The blob-store key of a payload that travels by claim check.</summary>
    public const string ClaimCheckKey = "bulwark-claim-check-key";

    /// <summary>The lowercase hex SHA-256 of the claim-checked payload.</summary>
    public const string ClaimCheckSha256 = "bulwark-claim-check-sha256";

    /// <summary>The length in bytes of the claim-checked payload.</summary>
    public const string ClaimCheckLength = "bulwark-claim-check-length";

    /// <summary>How many times the message was redriven from the dead-letter queue.</summary>
    public const string RedriveCount = "bulwark-redrive-count";
}
