using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Shop.Host.Tests.Api;

/// <summary>
/// Issue 16, found by Prism's proxy check: answers whose problem <c>type</c> the OpenAPI document did not list for their
/// status. Each test provokes the answer on the real host and looks the type up in the served document.
/// </summary>
public sealed class ProblemTypesDocumentedTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Withdraw_BeyondTheBalance_Answers409WithATypeTheDocumentLists()
    {
        await using var shop = await OpenApiDocumentTests.StartAsync();
        using var owner = await ShopCustomer.SignUpAsync(shop.Client.BaseAddress!);
        using var opened = await SendAsync(owner.Client, "/api/wallets", new { ownerName = "Ada Lovelace", ownerEmail = "ada@example.com" });
        var walletId = JsonNode.Parse(await opened.Content.ReadAsStringAsync(Ct))!["id"]!.GetValue<string>();

        using var overdrawn = await SendAsync(owner.Client, $"/api/wallets/{walletId}/withdrawals", new { amountCents = 1_000 });

        Assert.Equal(HttpStatusCode.Conflict, overdrawn.StatusCode);
        Assert.Contains(await TypeOfAsync(overdrawn), await DocumentedTypesAsync(shop, "/api/wallets/{id}/withdrawals", "post", 409));
    }

    [Fact]
    public async Task DeadLetter_Unknown_Answers404WithATypeTheDocumentLists()
    {
        await using var shop = await OpenApiDocumentTests.StartAsync();

        using var unknown = await shop.Admin.GetAsync("/admin/dlq/unknown", Ct);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains(await TypeOfAsync(unknown), await DocumentedTypesAsync(shop, "/admin/dlq/{id}", "get", 404));
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        return await client.SendAsync(request, Ct);
    }

    private static async Task<string> TypeOfAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["type"]!.GetValue<string>();

    private static async Task<List<string>> DocumentedTypesAsync(RunningShop shop, string path, string method, int status)
    {
        var document = JsonNode.Parse(await shop.Client.GetStringAsync("/openapi/v1.json", Ct))!;
        var schema = document["paths"]![path]![method]!["responses"]![status.ToString(System.Globalization.CultureInfo.InvariantCulture)]!["content"]!["application/problem+json"]!["schema"]!;
        return [.. schema["allOf"]![1]!["properties"]!["type"]!["enum"]!.AsArray().Select(t => t!.GetValue<string>())];
    }
}
