using System.Globalization;
using System.Net.Http.Json;
using Shop.Infrastructure.ServiceClients;
using Shop.Reviews.Contracts;

namespace Shop.Reviews.Remote;

/// <summary>
/// <see cref="IReviewsApi"/> over HTTP, to the reviews service's own endpoint: what the in-process repository was, now
/// a network call. Its failures, its own timeout included, surface as <see cref="HttpRequestException"/>: callers treat
/// that as a missing optional part (the product page degrades without reviews), and the reviews endpoint as a 503.
/// </summary>
internal sealed class ReviewsHttpClient(HttpClient http) : IReviewsApi
{
    public async Task<ReviewSummary> GetSummaryAsync(int productId, int take, CancellationToken cancellationToken)
    {
        var path = string.Create(CultureInfo.InvariantCulture, $"api/reviews/{productId}?take={take}");
        try
        {
            return await http.GetFromJsonAsync<ReviewSummary>(new Uri(path, UriKind.Relative), cancellationToken)
                ?? throw new HttpRequestException($"The reviews service answered an empty body for product {productId}.");
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw ServiceCallTimeout.Exceeded("The reviews service", http, "Shop:Reviews:Timeout", e);
        }
    }
}
