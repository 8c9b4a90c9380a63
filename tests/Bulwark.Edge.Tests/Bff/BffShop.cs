using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bulwark.Edge.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Shop.Externals.Hosting;
using Shop.Externals.Recommendations;

namespace Bulwark.Edge.Tests.Bff;

/// <summary>
/// The real shop as its own process, the recommendations stand-in on Kestrel, and two signed-in customers who each
/// placed orders: shared by the BFF tests (starting a shop per test would be most of the run on two cores).
/// </summary>
public sealed class BffShop : IAsyncLifetime
{
    private WebApplication _recommendations = null!;
    private ShopHostProcess _shop = null!;

    internal Uri ShopAddress => _shop.BaseAddress;

    internal Uri RecommendationsAddress => _recommendations.BaseAddress();

    internal Customer Ann { get; private set; } = null!;

    internal Customer Bob { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _recommendations = RecommendationsApp.Create("http://127.0.0.1:0");
        await _recommendations.StartAsync(TestContext.Current.CancellationToken);
        // The edge's calls all come from 127.0.0.1: the shop's 60 a minute for an anonymous address is not what is tested.
        _shop = await ShopHostProcess.StartAsync(null, "--Bulwark:RateLimiting:Tiers:anonymous:PermitLimit=1000000");
        Ann = await Customer.SignUpAsync(_shop.BaseAddress, "Ann Able", orders: 2);
        Bob = await Customer.SignUpAsync(_shop.BaseAddress, "Bob Baker", orders: 1);
    }

    public async ValueTask DisposeAsync()
    {
        await _shop.DisposeAsync();
        await _recommendations.StopAsync(CancellationToken.None);
        await _recommendations.DisposeAsync();
    }

    /// <summary>Sets the recommendations stand-in's faults (<c>/_control/faults</c>); <see langword="null"/> clears them.</summary>
    internal async Task RecommendationsFaultsAsync(object? faults)
    {
        using var control = new HttpClient { BaseAddress = RecommendationsAddress };
        using var response = faults is null
            ? await control.DeleteAsync(new Uri("/_control/faults", UriKind.Relative), TestContext.Current.CancellationToken)
            : await control.PutAsJsonAsync("/_control/faults", faults, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The edge in front of this shop, with its two BFFs configured by <paramref name="bff"/> (<c>Edge:Bff</c>).</summary>
    internal Task<EdgeUnderTest> StartEdgeAsync(JsonObject bff, Uri? shop = null) => EdgeUnderTest.StartAsync(new JsonObject
    {
        ["Backends"] = new JsonObject
        {
            ["shop"] = (shop ?? ShopAddress).ToString(),
            ["recommendations"] = RecommendationsAddress.ToString(),
        },
        ["Release"] = new JsonObject { ["Slots"] = new JsonObject { ["blue"] = ShopAddress.ToString() }, ["Live"] = "blue" },
        ["Bff"] = bff,
    });

    /// <summary>A signed-up customer with their token and the ids of the orders they placed, newest last.</summary>
    internal sealed record Customer(Guid Id, string Name, string Token, IReadOnlyList<string> OrderIds)
    {
        public static async Task<Customer> SignUpAsync(Uri shop, string name, int orders)
        {
            var ct = TestContext.Current.CancellationToken;
            var email = $"bff-{Guid.NewGuid():N}@example.com";
            const string password = "correct-horse-battery-staple";
            using var client = new HttpClient { BaseAddress = shop };
            // The shop's Development drill key: its own rate-limit tier for setting up.
            client.DefaultRequestHeaders.Add("X-Api-Key", "drill-load");
            using (var signUp = await client.PostAsJsonAsync("/api/users", new { email, displayName = name, password }, ct))
            {
                Assert.True(signUp.IsSuccessStatusCode, $"sign-up answered {(int)signUp.StatusCode}: {await signUp.Content.ReadAsStringAsync(ct)}");
            }

            JsonNode signedIn;
            using (var signIn = await client.PostAsJsonAsync("/api/users/sign-in", new { email, password }, ct))
            {
                Assert.True(signIn.IsSuccessStatusCode, $"sign-in answered {(int)signIn.StatusCode}");
                signedIn = JsonNode.Parse(await signIn.Content.ReadAsStringAsync(ct))!;
            }

            var token = signedIn["accessToken"]!.GetValue<string>();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var ids = new List<string>();
            for (var i = 0; i < orders; i++)
            {
                using var order = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
                {
                    Content = JsonContent.Create(new { items = new[] { new { productId = 1 + i, quantity = 1 } }, cardToken = "tok_visa", shippingPostcode = "10115" }),
                };
                order.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
                using var placed = await client.SendAsync(order, ct);
                var text = await placed.Content.ReadAsStringAsync(ct);
                Assert.True(placed.IsSuccessStatusCode, $"placing an order answered {(int)placed.StatusCode}: {text}");
                ids.Add(JsonNode.Parse(text)!["id"]!.GetValue<string>());
            }

            return new Customer(Guid.Parse(signedIn["customerId"]!.GetValue<string>()), name, token, ids);
        }

        public HttpRequestMessage Get(string path)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            return request;
        }
    }
}
