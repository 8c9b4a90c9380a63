using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Shop.Host.Tests;

/// <summary>
/// <c>GET /api/reviews/{productId}</c> is an anonymous read (reviews are public on the product page); what bounds it is
/// the page size (<c>take</c>, at most 50), the product id's route constraint and the anonymous rate-limit tier.
/// </summary>
public sealed class ReviewsLimitsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetReviews_Anonymous_PageSizeClampedAndBadInputRefused()
    {
        await using var shop = await RunningShop.StartAsync();

        // Anonymous is allowed: no credentials at all. (The demo data holds fewer than 50 reviews a product, so the cap's
        // equality below shows no more than "take beyond 50 changes nothing"; the overflow and negative cases bite.)
        var all = await shop.Client.GetFromJsonAsync<JsonElement>("/api/reviews/3?take=50", Ct);
        var huge = await shop.Client.GetFromJsonAsync<JsonElement>("/api/reviews/3?take=100000", Ct);
        var negative = await shop.Client.GetFromJsonAsync<JsonElement>("/api/reviews/3?take=-5", Ct);
        Assert.Equal(all.GetProperty("latest").GetArrayLength(), huge.GetProperty("latest").GetArrayLength());
        Assert.True(huge.GetProperty("latest").GetArrayLength() <= 50);
        Assert.Equal(0, negative.GetProperty("latest").GetArrayLength());

        // Beyond int32 is a 400 problem, a product id below 1 matches no route.
        using var overflow = await shop.Client.GetAsync(new Uri("/api/reviews/3?take=49887219220", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, overflow.StatusCode);
        using var zero = await shop.Client.GetAsync(new Uri("/api/reviews/0", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, zero.StatusCode);
    }
}
