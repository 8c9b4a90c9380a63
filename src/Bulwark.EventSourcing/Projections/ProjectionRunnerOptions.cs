using System.ComponentModel.DataAnnotations;

namespace Bulwark.EventSourcing;

/// <summary>How a projection runner polls the event log.</summary>
public sealed class ProjectionRunnerOptions
{
    /// <summary>Events read per batch; the checkpoint is saved after each batch.</summary>
    /// <value>The default value is 500.</value>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>How long the runner waits after reaching the head of the log.</summary>
    /// <value>The default value is 200 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long the runner waits after a failed batch.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan FailureBackoff { get; set; } = TimeSpan.FromSeconds(5);
}
