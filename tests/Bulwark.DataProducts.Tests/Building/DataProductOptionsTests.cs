using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Bulwark.DataProducts.Tests.Building;

public sealed class DataProductOptionsTests
{
    private static readonly string OwnKey = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray());

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(string environment, string? key) =>
        new DataProductOptionsValidator(new HostingEnvironment { EnvironmentName = environment }).Validate(null, new DataProductOptions { PseudonymKey = key });

    [Fact]
    public void Validate_DemoKeyInProduction_IsRefusedNamingTheSetting()
    {
        var result = Validate(Environments.Production, DataProductOptions.DemoPseudonymKey);

        Assert.True(result.Failed);
        Assert.Contains("Bulwark:DataProducts:PseudonymKey", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Development")]
    [InlineData("Staging")]
    public void Validate_DemoKeyOutsideProduction_IsAccepted(string environment) =>
        Assert.True(Validate(environment, DataProductOptions.DemoPseudonymKey).Succeeded);

    [Fact]
    public void Validate_OwnKeyInProduction_IsAccepted() => Assert.True(Validate(Environments.Production, OwnKey).Succeeded);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQ=")]
    public void Validate_MissingMalformedOrShortKey_IsRefused(string? key) => Assert.True(Validate(Environments.Development, key).Failed);
}
