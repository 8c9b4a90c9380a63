using System.Net.Http.Json;
using Microsoft.Extensions.Caching.Memory;

namespace Shop.Storefront.Recommendations;

/// <summary>
/// The external recommendations engine. Every good answer is remembered, so when the engine is down, slow or failing
/// the page can still show the last known list (marked degraded) instead of nothing.
/// </summary>
internal sealed class RecommendationsClient(HttpClient http, IMemoryCache lastGood)
{
    // Stale recommendations are still better than none for a day; after that the widget is simply dropped.
    private static readonly TimeSpan KeepLastGood = TimeSpan.FromHours(24);

    public async Task<IReadOnlyList<int>> GetAsync(int productId, CancellationToken cancellationToken)
    {
        var list = await http.GetFromJsonAsync<EngineAnswer>($"recommendations/{productId}?count=4", cancellationToken)
            ?? throw new InvalidOperationException("The recommendations engine answered with an empty body.");
        lastGood.Set(Key(productId), list.ProductIds, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = KeepLastGood, Size = 1 });
        return list.ProductIds;
    }

    public ValueTask<IReadOnlyList<int>?> GetLastGoodAsync(int productId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(lastGood.TryGetValue(Key(productId), out IReadOnlyList<int>? ids) ? ids : null);

    private static string Key(int productId) => $"recommendations:{productId}";

    private sealed record EngineAnswer(int ProductId, IReadOnlyList<int> ProductIds);
}
