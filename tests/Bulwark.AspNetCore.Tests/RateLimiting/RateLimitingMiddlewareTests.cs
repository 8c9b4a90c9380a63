using Bulwark.Testing;
using System.Net;
using Bulwark.AspNetCore.RateLimiting;
using Bulwark.Resilience.RateLimiting;
using Microsoft.AspNetCore.Builder;

namespace Bulwark.AspNetCore.Tests.RateLimiting;

public sealed class RateLimitingMiddlewareTests : IAsyncLifetime
{
    private WebApplication? _app;
    private Uri _address = null!;
    private int _handled;
    private readonly HttpClient _client = new();

    public async ValueTask InitializeAsync()
    {
        (_app, _address) = await LoopbackKestrel.StartAsync(
            b => b.Services.AddBulwarkRateLimiting().Configure(o =>
            {
                o.Tiers["anonymous"] = new RateLimitPolicy { Algorithm = RateLimitAlgorithm.FixedWindow, PermitLimit = 3, Window = TimeSpan.FromMinutes(1) };
                o.Tiers["partner"] = new RateLimitPolicy { Algorithm = RateLimitAlgorithm.FixedWindow, PermitLimit = 100, Window = TimeSpan.FromMinutes(1) };
                o.ApiKeys["partner-key"] = "partner";
                o.Exempt = c => c.Request.Path == "/health";
            }),
            app =>
            {
                app.UseBulwarkRateLimiting();
                app.MapGet("/products", () => { Interlocked.Increment(ref _handled); return "ok"; });
                app.MapGet("/health", () => "healthy");
            });
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task<HttpResponseMessage> Get(string? apiKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_address, "/products"));
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        return await _client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Anonymous_OverItsTier_Gets429WithRetryAfter_AndHeadersOnEveryResponse()
    {
        for (var i = 0; i < 3; i++)
        {
            using var ok = await Get();
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("3", ok.Headers.GetValues("X-RateLimit-Limit").Single());
            Assert.Equal((2 - i).ToString(System.Globalization.CultureInfo.InvariantCulture), ok.Headers.GetValues("X-RateLimit-Remaining").Single());
            Assert.True(int.Parse(ok.Headers.GetValues("X-RateLimit-Reset").Single(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
        }

        using var limited = await Get();
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("0", limited.Headers.GetValues("X-RateLimit-Remaining").Single());
        Assert.NotNull(limited.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Equal(3, Volatile.Read(ref _handled)); // refused before the endpoint ran
    }

    [Fact]
    public async Task KnownApiKey_UsesItsTier_UnknownKeyIsAnonymous()
    {
        using var partner = await Get("partner-key");
        Assert.Equal("100", partner.Headers.GetValues("X-RateLimit-Limit").Single());
        using var unknown = await Get("made-up");
        Assert.Equal("3", unknown.Headers.GetValues("X-RateLimit-Limit").Single());
    }

    [Fact]
    public async Task ExemptPath_IsNeverLimited()
    {
        for (var i = 0; i < 10; i++)
        {
            using var response = await _client.GetAsync(new Uri(_address, "/health"), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("X-RateLimit-Limit"));
        }
    }
}
