using System.Globalization;
using System.Net.Http.Json;
using Shop.Reviews.Contracts;

namespace Shop.Reviews.Remote;

/// <summary>
/// <see cref="IReviewsApi"/> over HTTP, to the reviews service's own endpoint: what the in-process repository was, now
/// a network call. Its failures surface as <see cref="HttpRequestException"/>, which callers already treat as a missing
/// optional part (the product page degrades without reviews).
/// </summary>
internal sealed class ReviewsHttpClient(HttpClient http) : IReviewsApi
{
    public async Task<ReviewSummary> GetSummaryAsync(int productId, int take, CancellationToken cancellationToken)
    {
        var path = string.Create(CultureInfo.InvariantCulture, $"api/reviews/{productId}?take={take}");
        return await http.GetFromJsonAsync<ReviewSummary>(new Uri(path, UriKind.Relative), cancellationToken)
            ?? throw new HttpRequestException($"The reviews service answered an empty body for product {productId}.");
    }
}
