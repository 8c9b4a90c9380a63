using System.ComponentModel.DataAnnotations;

namespace Bulwark.AspNetCore.Deadlines;

/// <summary>How the entry fixes each request's deadline. Bound from <c>Bulwark:Deadlines</c>.</summary>
/// <remarks>See docs/resilience.md#deadlines.</remarks>
public sealed class DeadlineOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bulwark:Deadlines";

    /// <summary>The sanity budget when the caller sends no <c>X-Deadline</c>.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan DefaultBudget { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest budget a caller may ask for; a later <c>X-Deadline</c> is cut to this.</summary>
    /// <value>The default value is 60 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan MaxBudget { get; set; } = TimeSpan.FromSeconds(60);
}
