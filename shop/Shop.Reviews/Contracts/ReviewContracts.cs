namespace Shop.Reviews.Contracts;

/// <summary>One customer review.</summary>
public sealed record ReviewDto(int ProductId, int Rating, string Author, string Text);

/// <summary>A product's review summary and its most recent reviews.</summary>
public sealed record ReviewSummary(int ProductId, double AverageRating, int Count, IReadOnlyList<ReviewDto> Latest);

/// <summary>What other modules may ask of the reviews.</summary>
public interface IReviewsApi
{
    /// <summary>The summary of <paramref name="productId"/>'s reviews with up to <paramref name="take"/> of the latest.</summary>
    Task<ReviewSummary> GetSummaryAsync(int productId, int take, CancellationToken cancellationToken);
}
