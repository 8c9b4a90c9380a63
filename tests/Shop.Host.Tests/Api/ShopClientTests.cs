using System.Security.Cryptography;

namespace Shop.Host.Tests.Api;

/// <summary>
/// The typed client in src/Bulwark.ShopClient is generated (eng/api-tools/generate-client.sh) from the committed OpenAPI
/// document; the script records the document's hash beside it, so a document changed without regenerating the client
/// fails here (issue 16, item 5).
/// </summary>
public sealed class ShopClientTests
{
    [Fact]
    public void GeneratedClient_RecordedDocumentHash_IsTheCommittedDocumentsHash()
    {
        var recorded = File.ReadAllText(Path.Combine(OpenApiDocumentTests.RepoRoot, "src", "Bulwark.ShopClient", "Generated", "shop.json.sha256")).Trim();
        var actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(OpenApiDocumentTests.CommittedDocumentPath)));

        Assert.True(
            recorded == actual,
            $"src/Bulwark.ShopClient was generated from another version of shop/Shop.Host/openapi/shop.json (recorded {recorded}, now {actual}): run bash eng/api-tools/generate-client.sh and commit the result.");
    }
}
