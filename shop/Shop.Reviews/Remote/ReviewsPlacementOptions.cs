using System.ComponentModel.DataAnnotations;

namespace Shop.Reviews.Remote;

/// <summary>Where the Reviews module runs, seen from a process that uses it.</summary>
internal enum ReviewsPlacement
{
    /// <summary>Inside this process, over its own tables in this process's database.</summary>
    InProcess,

    /// <summary>In its own process (<c>shop/Shop.Reviews.Host</c>) with its own data, reached over HTTP at <see cref="ReviewsPlacementOptions.Url"/>.</summary>
    Remote,
}

/// <summary>
/// Which way the Reviews module is composed (Codex 31, a module extracted). Bound from <c>Shop:Reviews</c>; callers
/// use <see cref="Contracts.IReviewsApi"/> either way and never know.
/// </summary>
internal sealed class ReviewsPlacementOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shop:Reviews";

    /// <summary>In process or in its own process.</summary>
    /// <value>The default value is <see cref="ReviewsPlacement.InProcess"/>.</value>
    public ReviewsPlacement Mode { get; set; } = ReviewsPlacement.InProcess;

    /// <summary>The reviews service's base address when <see cref="Mode"/> is <see cref="ReviewsPlacement.Remote"/>.</summary>
    /// <value>The default value is <c>http://127.0.0.1:5110</c>.</value>
    [Required]
    public Uri Url { get; set; } = new("http://127.0.0.1:5110");

    /// <summary>How long one call to the reviews service may take.</summary>
    /// <value>The default value is 2 seconds (the product page gives its optional parts less anyway).</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);
}
