using System.ComponentModel.DataAnnotations;

namespace Bulwark.Resilience.Deadlines;

/// <summary>How outgoing HTTP calls carry and respect the ambient deadline. Bound from <c>Bulwark:Resilience:Deadlines</c>.</summary>
public sealed class DeadlinePropagationOptions
{
    /// <summary>Below this much time left, a call is refused without opening a connection: it could not finish anyway.</summary>
    /// <value>The default value is 5 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MinimumAttemptBudget { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Subtracted from the deadline sent downstream, so the callee gives up before this hop's answer is useless.</summary>
    /// <value>The default value is zero.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan NetworkAllowance { get; set; } = TimeSpan.Zero;
}
