using Shop.Infrastructure.Modules;

namespace Shop.Reviews.Remote;

/// <summary>
/// Which way the Reviews module is composed, bound from <c>Shop:Reviews</c> (<c>Mode</c>, <c>Url</c>, <c>Timeout</c>);
/// callers use <see cref="Contracts.IReviewsApi"/> either way and never know. The service's default address is
/// <c>http://127.0.0.1:5110</c>; a call's 2 s default is more than the product page gives its optional parts anyway.
/// </summary>
internal sealed class ReviewsPlacementOptions() : ModulePlacementOptions(new Uri("http://127.0.0.1:5110"))
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shop:Reviews";
}
