using System.Reflection;
using System.Security.Cryptography;
using Bulwark.ShopClient;
using Bulwark.ShopClient.Generated;

namespace Shop.Host.Tests.Api;

/// <summary>
/// The typed client in src/Bulwark.ShopClient is generated at build time from the committed OpenAPI document (issue 16,
/// item 5; issue 11 took the generated code out of the tree). The build records which document it generated from; a
/// client built from another version (a stale obj/, a target that did not rerun) fails here, and the running shop
/// answers the client's own requests.
/// </summary>
public sealed class ShopClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void GeneratedClient_DocumentItWasGeneratedFrom_IsTheCommittedDocument()
    {
        var generatedFrom = typeof(ShopApiClient).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "ShopClientDocumentSha256")?.Value;
        var committed = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(OpenApiDocumentTests.CommittedDocumentPath)));

        Assert.True(
            generatedFrom == committed,
            $"src/Bulwark.ShopClient was built from another version of shop/Shop.Host/openapi/shop.json (built from {generatedFrom ?? "nothing recorded"}, committed {committed}): rebuild src/Bulwark.ShopClient.");
    }

    [Fact]
    public async Task GeneratedClient_ReadsTheCatalogue_FromTheRunningShop()
    {
        await using var shop = await RunningShop.StartAsync();
        using var customer = new ShopApi(shop.Client);

        var product = await customer.Client.Api.Products["3"].GetAsync(cancellationToken: Ct);
        var page = await customer.Client.Api.Products.GetAsync(cancellationToken: Ct);

        Assert.NotNull(product);
        Assert.Equal(3, product.Id);
        Assert.False(string.IsNullOrEmpty(product.Name));
        Assert.True(product.PriceCents > 0);
        Assert.NotNull(page?.Items);
        Assert.Contains(page.Items, p => p.Id == 3 && p.Name == product.Name);
    }
}
