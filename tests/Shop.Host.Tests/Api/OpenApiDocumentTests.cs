using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.Host.Tests.Api;

/// <summary>
/// The OpenAPI document the running shop serves is the one committed in shop/Shop.Host/openapi/shop.json (written by the
/// build), so a change to the API shows in review; and it says what the pipeline really does to each endpoint (issue 16).
/// </summary>
public sealed class OpenApiDocumentTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Bulwark.slnx")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Bulwark.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    // Generating the document on a cold host is seconds of work on a loaded CI machine: a roomy request deadline, as for payments.
    internal static Task<RunningShop> StartAsync() => RunningShop.StartAsync(extraArgs: RunningShop.RoomyPaymentBudgets);

    internal static string CommittedDocumentPath => Path.Combine(RepoRoot, "shop", "Shop.Host", "openapi", "shop.json");

    [Fact]
    public async Task ServedDocument_ComparedWithTheCommittedOne_IsTheSame()
    {
        await using var shop = await StartAsync();

        var served = JsonNode.Parse(await shop.Client.GetStringAsync("/openapi/v1.json", Ct))!;
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(CommittedDocumentPath, Ct))!;

        // Nothing is normalised: the document names one relative server, so it reads the same wherever it is served.
        if (!JsonNode.DeepEquals(served, committed))
        {
            var fresh = Path.Combine(Path.GetTempPath(), $"shop-openapi-served-{Guid.NewGuid():N}.json");
            await File.WriteAllTextAsync(fresh, served.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), Ct);
            Assert.Fail($"The served OpenAPI document differs from {CommittedDocumentPath}. Build shop/Shop.Host to rewrite it and commit the change; the served one is in {fresh}.");
        }
    }

    [Fact]
    public async Task ServedDocument_EveryMappedApiEndpoint_IsDescribed()
    {
        await using var shop = await StartAsync();
        var document = JsonNode.Parse(await shop.Client.GetStringAsync("/openapi/v1.json", Ct))!;
        var described = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => $"{o.Key.ToUpperInvariant()} {p.Key}"))
            .ToHashSet(StringComparer.Ordinal);

        var mapped = shop.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api", StringComparison.Ordinal) || raw.StartsWith("/admin", StringComparison.Ordinal) || raw.StartsWith("/health", StringComparison.Ordinal)))
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => $"{m} {Normalise(e.RoutePattern.RawText!)}"))
            .ToList();

        Assert.NotEmpty(mapped);
        Assert.All(mapped, endpoint => Assert.Contains(endpoint, described));
    }

    [Fact]
    public async Task ServedDocument_SecurityAndHeaders_FollowEachEndpointsPolicyAndMetadata()
    {
        await using var shop = await StartAsync();
        var paths = JsonNode.Parse(await shop.Client.GetStringAsync("/openapi/v1.json", Ct))!["paths"]!;

        var changePrice = paths["/api/products/{id}/price"]!["put"]!;
        Assert.Equal(["operator"], Schemes(changePrice));
        Assert.Contains("If-Match", ParameterNames(changePrice));
        Assert.NotNull(changePrice["responses"]!["412"]);
        Assert.NotNull(paths["/api/products/{id}"]!["get"]!["responses"]!["200"]!["headers"]!["ETag"]);

        var placeOrder = paths["/api/orders"]!["post"]!;
        Assert.Equal(["customer"], Schemes(placeOrder));
        Assert.Contains("#/components/parameters/Idempotency-Key", ParameterNames(placeOrder));
        Assert.NotNull(placeOrder["responses"]!["202"]!["headers"]!["Idempotent-Replayed"]);
        Assert.NotNull(placeOrder["responses"]!["429"]!["headers"]!["Retry-After"]);

        Assert.Equal(["customer", "operator"], Schemes(paths["/api/orders/{id}"]!["get"]!));
        Assert.Empty(Schemes(paths["/api/products"]!["get"]!));
        Assert.Null(paths["/api/products"]!["get"]!["responses"]!["401"]);
    }

    [Fact]
    public async Task ServedDocument_ProblemTypes_AreTheOnesTheShopAnswersWith()
    {
        await using var shop = await StartAsync();
        var paths = JsonNode.Parse(await shop.Client.GetStringAsync("/openapi/v1.json", Ct))!["paths"]!;
        using var malformedDeadline = new HttpRequestMessage(HttpMethod.Get, "/api/products/1");
        malformedDeadline.Headers.Add("X-Deadline", "soon");

        using var response = await shop.Client.SendAsync(malformedDeadline, Ct);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var documented = paths["/api/products/{id}"]!["get"]!["responses"]!["400"]!["content"]!["application/problem+json"]!["schema"]!["allOf"]![1]!["properties"]!["type"]!["enum"]!
            .AsArray().Select(t => t!.GetValue<string>());
        Assert.Contains(problem["type"]!.GetValue<string>(), documented);
    }

    [Fact]
    public async Task ServedDocument_TwoModulesWithSameNamedRecords_EachEndpointKeepsItsOwnSchema()
    {
        await using var shop = await StartAsync();
        var document = JsonNode.Parse(await shop.Client.GetStringAsync("/openapi/v1.json", Ct))!;
        var stock = await shop.Client.GetStringAsync("/api/inventory/1", Ct);

        var reference = document["paths"]!["/api/inventory/{productId}"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
        var schema = document["components"]!["schemas"]![reference.Split('/')[^1]]!;
        var documented = schema["properties"]!.AsObject().Select(p => p.Key).Order().ToList();
        var answered = JsonNode.Parse(stock)!.AsObject().Select(p => p.Key).Order().ToList();

        Assert.Equal(answered, documented);
    }

    private static string Normalise(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern.TrimEnd('/') is "" ? "/" : pattern.TrimEnd('/'), @"\{([^}:=?]+)[^}]*\}", "{$1}");

    private static List<string> Schemes(JsonNode operation) =>
        [.. operation["security"]!.AsArray().SelectMany(r => r!.AsObject().Select(s => s.Key))];

    private static List<string> ParameterNames(JsonNode operation) =>
        [.. operation["parameters"]!.AsArray().Select(p => p!["name"]?.GetValue<string>() ?? p!["$ref"]!.GetValue<string>())];
}
