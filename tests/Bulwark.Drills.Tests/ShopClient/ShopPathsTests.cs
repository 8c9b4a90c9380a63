using Bulwark.ShopClient;

namespace Bulwark.Drills.Tests.ShopClient;

/// <summary>The drills' default addresses come from the generated client and are the shop's routes (issue 16, item 5).</summary>
public sealed class ShopPathsTests
{
    [Fact]
    public void Paths_FromTheGeneratedClient_AreTheShopsRoutes()
    {
        Assert.Equal("/health/live", ShopPaths.Live);
        Assert.Equal("/health/ready", ShopPaths.Ready);
        Assert.Equal("/api/products", ShopPaths.Products());
        Assert.Equal("/api/products?pageSize=100", ShopPaths.Products(pageSize: 100));
        Assert.Equal("/api/products/7", ShopPaths.Product(7));
        Assert.Equal("/api/payments/charges", ShopPaths.Charges);
        Assert.Equal("/api/orders", ShopPaths.Orders);
        Assert.Equal("/api/users", ShopPaths.Users);
        Assert.Equal("/api/users/sign-in", ShopPaths.SignIn);
    }

    [Fact]
    public void ShopApi_WithoutABaseAddress_IsRefusedNamingTheFix()
    {
        using var http = new HttpClient();

        var refused = Assert.Throws<ArgumentException>(() => new ShopApi(http));

        Assert.Contains("BaseAddress", refused.Message, StringComparison.Ordinal);
    }
}
