using System.ComponentModel.DataAnnotations;

namespace Bulwark.Messaging.ClaimCheck;

/// <summary>When payloads leave the broker for the blob store, and how long orphans live.</summary>
public sealed class ClaimCheckOptions
{
    /// <summary>Bodies larger than this many bytes travel by claim check.</summary>
    /// <value>The default value is 65,536 (64 KB).</value>
    [Range(0, int.MaxValue)]
    public int ThresholdBytes { get; set; } = 64 * 1024;

    /// <summary>Blobs older than this are deleted by the sweeper; keep it longer than you keep dead letters.</summary>
    /// <value>The default value is 7 days.</value>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the sweeper runs.</summary>
    /// <value>The default value is 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The key prefix of claim-check blobs (the sweeper only touches keys under it).</summary>
    /// <value>The default value is <c>claim-checks/</c>.</value>
    [Required]
    public string KeyPrefix { get; set; } = "claim-checks/";
}
